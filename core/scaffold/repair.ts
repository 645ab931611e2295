// `--from` repairs what the checker can fix: the rewritten module is checked as it will stand in
// the project home (the planned files seen over the real file system, PROJHOME = the root);
// findings whose quick fix is one safe edit (a typo'd Lmod function, a misspelt local) are
// applied one at a time and listed; error-severity findings that remain are returned so the
// caller can refuse (nothing written) unless --force.
import { dirname, isAbsolute, join } from 'node:path';
import { makeEnv, realFileSystem, type FileKind, type FileSystemView } from '../analysis/env';
import { analyzeModulefile } from '../analysis/modulefile/analyze';
import { applyEdits } from '../analysis/fixes';
import type { Finding } from '../analysis/types';
import { initBashParser } from '../analysis/wrapper/parser';
import type { PlannedFile } from './plan';

/** Rules whose single quick fix renames one name to the closest known one. */
const SAFE_FIX_CODES = new Set(['unknown-function', 'undefined-variable']);

export interface ModuleRepair {
  text: string;
  /** `line N: what was done`, in the order applied. */
  fixed: string[];
  /** Error-severity findings left after the fixes. */
  errors: Finding[];
}

/** The planned files as they will be, over the real file system. */
export function plannedFileSystem(plan: readonly PlannedFile[]): FileSystemView {
  const byPath = new Map(plan.map((f) => [f.path, f]));
  const parents = new Set<string>();
  for (const f of plan) for (let d = dirname(f.path); d !== dirname(d); d = dirname(d)) parents.add(d);
  const resolve = (path: string, depth = 0): PlannedFile | string => {
    const f = byPath.get(path);
    if (f?.kind !== 'symlink' || depth > 8) return f ?? path;
    const target = isAbsolute(f.target!) ? f.target! : join(dirname(path), f.target!);
    return resolve(target, depth + 1);
  };
  return {
    kind(path): FileKind {
      const r = resolve(path);
      if (typeof r === 'string')
        return parents.has(r) && realFileSystem.kind(r) === 'missing' ? 'dir' : realFileSystem.kind(r);
      return r.kind === 'dir' ? 'dir' : 'file';
    },
    readText(path) {
      const r = resolve(path);
      return typeof r === 'string' ? realFileSystem.readText(r) : r.content;
    },
    readStart(path, bytes) {
      const r = resolve(path);
      return typeof r === 'string' ? realFileSystem.readStart?.(r, bytes) : r.content?.slice(0, bytes);
    },
    size(path) {
      const r = resolve(path);
      return typeof r === 'string'
        ? realFileSystem.size(r)
        : r.content === undefined
          ? undefined
          : Buffer.byteLength(r.content);
    },
    isExecutable(path) {
      const r = resolve(path);
      return typeof r === 'string'
        ? realFileSystem.isExecutable(r)
        : r.kind === 'file' && ((r.mode ?? 0) & 0o111) !== 0;
    },
    listDir(path) {
      const planned = plan.filter((f) => dirname(f.path) === path).map((f) => f.path.slice(path.length + 1));
      const real = realFileSystem.listDir(path);
      if (real === undefined && planned.length === 0 && !parents.has(path)) return undefined;
      return [...new Set([...(real ?? []), ...planned])];
    },
  };
}

export async function repairModule(
  text: string,
  modulePath: string,
  plan: readonly PlannedFile[],
  root: string,
): Promise<ModuleRepair> {
  await initBashParser();
  const fs = plannedFileSystem(plan.map((f) => (f.path === modulePath ? { ...f, content: text } : f)));
  const env = makeEnv({ vars: { PROJHOME: root }, fs });
  const fixed: string[] = [];
  // Each fix can move the others: apply one, check again (bounded: a module has few typos).
  for (let round = 0; round < 50; round++) {
    const findings = analyzeModulefile(text, modulePath, env).findings;
    const fixable = findings.find(
      (f) => SAFE_FIX_CODES.has(f.code) && f.fixes?.length === 1 && f.fixes[0].edits.length === 1,
    );
    if (fixable === undefined) return { text, fixed, errors: findings.filter((f) => f.severity === 'error') };
    const fix = fixable.fixes![0];
    fixed.push(`line ${fixable.range.start.line + 1}: ${fix.title} (${fixable.code})`);
    text = applyEdits(text, [fix.edits[0]]);
  }
  const findings = analyzeModulefile(text, modulePath, env).findings;
  return { text, fixed, errors: findings.filter((f) => f.severity === 'error') };
}

/** `--from` left error-severity findings the checker cannot fix with one safe edit. */
export class ScaffoldFromError extends Error {
  constructor(
    readonly modulePath: string,
    readonly errors: Finding[],
  ) {
    super(
      `the module rewritten from --from still has ${errors.length} error${errors.length === 1 ? '' : 's'} ` +
        '(use --force to write it anyway):\n' +
        errors
          .map((e) => {
            const at = `${modulePath}:${e.range.start.line + 1}:${e.range.start.character + 1}`;
            return `  ${at}: error: ${e.message} [${e.code}]`;
          })
          .join('\n'),
    );
  }
}

/**
 * Repairs the planned modulefile of a `--from` plan in place (see repairModule); throws
 * ScaffoldFromError when errors remain and FORCE is not set. Returns what was fixed.
 */
export async function repairFromPlan(
  plan: PlannedFile[],
  root: string,
  force: boolean,
  allowMissingImage = false,
): Promise<string[]> {
  const module = plan.find((f) => f.kind === 'file' && f.path.endsWith('.lua'));
  if (module === undefined) return [];
  const repair = await repairModule(module.content ?? '', module.path, plan, root);
  module.content = repair.text;
  // An image copied there later (asked for) is missing on purpose: the line that sets it is no error then.
  const lines = repair.text.split('\n');
  const errors = repair.errors.filter(
    (e) =>
      !(
        allowMissingImage &&
        e.code === 'path-not-found' &&
        /\b(SING_IMAGE|SIF)\b/.test(lines[e.range.start.line] ?? '')
      ),
  );
  if (errors.length > 0 && !force) throw new ScaffoldFromError(module.path, errors);
  return repair.fixed;
}
