// Which Lua files Lmod reads, and how: modulerc files run in Lmod's modulerc sandbox; other
// .lua files are modulefiles only in a module tree.
import { basename, sep } from 'node:path';
import type { LmodFunction } from './lmodApi';
import type { LmodCall } from './types';

export type LuaFileKind = 'modulefile' | 'modulerc' | 'lmod-config';

/** Lmod's own configuration (run with Lmod's full Lua, not a sandbox): not checked as modulefiles. */
const LMOD_CONFIG_NAMES = new Set(['SitePackage.lua', 'lmod_config.lua', 'lmodrc.lua']);

/**
 * modulerc: `.modulerc.lua`, `modulerc.lua`, a system modulerc named by LMOD_MODULERC (a file, or
 * a directory of them), or a file that calls modulerc functions only (`module_version`, `hide`, ...,
 * e.g. a system modulerc under another name). lmod-config: SitePackage.lua, lmod_config.lua,
 * lmodrc.lua, or a file registering sandbox functions.
 */
export function modulefileKind(
  filePath: string,
  calls: readonly LmodCall[],
  modulercPaths: readonly string[],
  modulefileFunctions: ReadonlyMap<string, LmodFunction>,
  modulercFunctions: ReadonlyMap<string, LmodFunction>,
): LuaFileKind {
  const name = basename(filePath);
  if (
    LMOD_CONFIG_NAMES.has(name) ||
    /^lmodrc.*\.lua$/.test(name) ||
    calls.some((c) => c.isGlobal && c.name === 'sandbox_registration')
  )
    return 'lmod-config';
  if (name === '.modulerc.lua' || name === 'modulerc.lua') return 'modulerc';
  if (modulercPaths.some((p) => filePath === p || filePath.startsWith(p.endsWith(sep) ? p : p + sep)))
    return 'modulerc';
  const global = calls.filter((c) => c.isGlobal);
  const modulercOnly = (c: LmodCall) => modulercFunctions.get(c.name)?.kind === 'modulerc';
  if (
    global.some(modulercOnly) &&
    global.every((c) => modulercFunctions.has(c.name) || !modulefileFunctions.has(c.name))
  )
    return 'modulerc';
  return 'modulefile';
}

/**
 * In a module tree: under a `modules`/`modulefiles` directory, under a MODULEPATH entry, or a file
 * that calls an Lmod (or site) function: a Neovim init.lua calling vim.* is none of these.
 */
export function isInModuleTree(
  filePath: string,
  modulePath: readonly string[],
  calls: readonly LmodCall[],
  functions: ReadonlyMap<string, LmodFunction>,
): boolean {
  const dirs = filePath.split(/[\\/]/).slice(0, -1);
  if (dirs.some((d) => d === 'modules' || d === 'modulefiles')) return true;
  if (modulePath.some((p) => filePath.startsWith(p.endsWith(sep) ? p : p + sep))) return true;
  return calls.some(
    (c) => c.isGlobal && ['lmod', 'site', 'modulerc'].includes(functions.get(c.name)?.kind ?? ''),
  );
}
