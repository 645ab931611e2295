// What Lmod's built-in functions contribute to the analysis, keyed by name: the value a call
// folds to (pathJoin, myModuleName, os.getenv, ...) and what it records about the module
// (setenv, prepend_path, dependencies, the load message). Pure: no file system; the resolve step
// checks the recorded paths afterwards. Signatures and docs live in lmodApi.ts.
import { basename, dirname } from 'node:path';
import type * as luaparse from 'luaparse';
import type { Range } from '../types';
import { luaMatch } from './luaPattern';
import type { LuaValue, ModuleSymbol, PathExpression, PathPrepend, SetenvValue } from './types';

/** What a module does, recorded as the evaluator walks it. */
export interface ModuleEffects {
  paths: PathExpression[];
  symbols: ModuleSymbol[];
  setenv: Map<string, SetenvValue>;
  pathPrepends: PathPrepend[];
}

export interface BuiltinCall {
  /** The whole call expression. */
  node: luaparse.Node;
  args: readonly luaparse.Expression[];
  /** Folded values of args, index for index. */
  values: readonly LuaValue[];
  /** Where the call and each argument are (the evaluator's, shared with the call's record). */
  range: Range;
  argRanges: readonly Range[];
}

export interface BuiltinContext {
  filePath: string;
  getenv(name: string): string | undefined;
  effects: ModuleEffects;
  /** os.getenv names read by the statement being evaluated (hover explains unknown values with them). */
  envReads: Set<string>;
  /** Variables the module set before this call (setenv, prepend_path, ...). */
  setVariables: ReadonlySet<string>;
}

/** The folded value of a call; may record effects. */
export type Builtin = (call: BuiltinCall, ctx: BuiltinContext) => LuaValue;

function stringArg(call: BuiltinCall, i: number): string | undefined {
  const v = call.values[i];
  return typeof v === 'string' ? v : undefined;
}

function addPath(ctx: BuiltinContext, range: Range, value: LuaValue, role: PathExpression['role']): void {
  ctx.effects.paths.push({
    range,
    value: typeof value === 'string' ? value : undefined,
    role,
    envVariables: ctx.envReads.size > 0 ? [...ctx.envReads] : [],
  });
}

/** Lmod's pathJoin: `//` collapsed, `/.` segments dropped, no trailing slash. */
function regularizePath(p: string): string {
  if (!p.includes('//') && !p.includes('/.') && !p.endsWith('/')) return p; // the common case, no regex
  let s = p.replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '');
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

const luaStringMatch = (s: string | undefined, pattern: string | undefined): LuaValue =>
  s === undefined || pattern === undefined ? undefined : luaMatch(s, pattern);

const moduleName = (filePath: string) => basename(dirname(filePath));
const moduleVersion = (filePath: string) => basename(filePath).replace(/\.lua$/, '');

const pathJoin: Builtin = (call, ctx) => {
  if (call.values.some((v) => v === undefined)) {
    addPath(ctx, call.range, undefined, 'other');
    return undefined;
  }
  const joined = regularizePath(call.values.filter((v): v is string => v !== null && v !== '').join('/'));
  addPath(ctx, call.range, joined, 'other');
  return joined;
};

/** `string.format` with `%s` and `%%` only; anything else is unknown. */
const stringFormat: Builtin = (call) => {
  const format = stringArg(call, 0);
  if (format === undefined || /%[^s%]/.test(format)) return undefined;
  let i = 1;
  let unknown = false;
  const out = format.replace(/%([s%])/g, (_, c: string) => {
    if (c === '%') return '%';
    const v = stringArg(call, i++);
    if (v === undefined) unknown = true;
    return v ?? '';
  });
  return unknown ? undefined : out;
};

/**
 * `capture('cat F')` runs at load time: its output is unknown here. F is recorded as a path so
 * the resolve step checks that it exists.
 */
const capture: Builtin = (call, ctx) => {
  const command = stringArg(call, 0);
  if (command === undefined) {
    if (call.args[0]) addPath(ctx, call.argRanges[0], undefined, 'capture-file');
    return undefined;
  }
  const cat = /^\s*cat\s+(\S+)\s*$/.exec(command);
  if (!cat) return undefined;
  addPath(ctx, call.argRanges[0], cat[1], 'capture-file');
  ctx.effects.symbols.push({
    name: `load message: ${cat[1]}`,
    kind: 'message',
    range: call.range,
    selectionRange: call.range,
  });
  return undefined;
};

const setenv: Builtin = (call, ctx) => {
  const variable = stringArg(call, 0);
  if (variable === undefined) return undefined;
  const range = call.range;
  if (!ctx.effects.setenv.has(variable))
    ctx.effects.setenv.set(variable, { value: stringArg(call, 1), range });
  if (variable === 'SING_IMAGE' && call.args[1])
    addPath(ctx, call.argRanges[1], call.values[1], 'sing-image');
  ctx.effects.symbols.push({
    name: variable,
    kind: 'env',
    detail: stringArg(call, 1),
    range,
    selectionRange: call.argRanges[0],
  });
  return undefined;
};

const addToPath: Builtin = (call, ctx) => {
  const variable = stringArg(call, 0);
  if (variable === undefined) return undefined;
  const range = call.range;
  ctx.effects.pathPrepends.push({ variable, value: stringArg(call, 1), range });
  if (call.args[1] && (variable === 'PATH' || variable === 'MODULEPATH')) {
    // Lmod splits the value at the delimiter (':' unless a third argument says otherwise).
    const role = variable === 'PATH' ? 'path-dir' : 'modulepath-dir';
    const value = call.values[1];
    const delim = call.values[2];
    const parts =
      typeof value === 'string' && (delim === undefined || delim === ':')
        ? value.split(':').filter((p) => p !== '')
        : [value];
    for (const part of parts) addPath(ctx, call.argRanges[1], part, role);
  }
  ctx.effects.symbols.push({
    name: `${variable} += ${stringArg(call, 1) ?? '…'}`,
    kind: 'path',
    range,
    selectionRange: call.argRanges[0],
  });
  return undefined;
};

/**
 * The image a shell function runs (`set_shell_function(name, body, csh_body)`, the convention of
 * singularity-hpc and Biocontainers trees): in a body known before load time, the absolute `.sif`
 * word after the runtime's exec/run/shell/test, recorded once per image so the resolve step checks
 * that it exists.
 */
const IMAGE_IN_BODY = new RegExp(
  String.raw`(?:^|[\s/])(?:singularity|apptainer)\s.*?\b(?:exec|run|shell|test)\s` +
    String.raw`(?:.*?\s)?(\/[^\s'"$;&|]+\.sif)(?=[\s;&|]|$)`,
);
const setShellFunction: Builtin = (call, ctx) => {
  const body = stringArg(call, 1);
  // A body is a command line: a longer one is no shell function of this convention.
  const image = body === undefined || body.length > 4096 ? undefined : IMAGE_IN_BODY.exec(body)?.[1];
  if (image === undefined) return undefined;
  const known = ctx.effects.paths.some((p) => p.role === 'shell-function-image' && p.value === image);
  if (!known) addPath(ctx, call.argRanges[1], image, 'shell-function-image');
  return undefined;
};

const dependency =
  (name: string): Builtin =>
  (call, ctx) => {
    call.args.forEach((_, i) => {
      const module = stringArg(call, i);
      if (module)
        ctx.effects.symbols.push({
          name: module,
          kind: 'dependency',
          detail: name,
          range: call.range,
          selectionRange: call.argRanges[i],
        });
    });
    return undefined;
  };

export const lmodBuiltins: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [
    'os.getenv',
    (call, ctx) => {
      const name = stringArg(call, 0);
      if (name !== undefined) ctx.envReads.add(name);
      if (name === undefined) return undefined;
      // During load Lmod's os.getenv sees what the module set before (posix.setenv in Var.lua).
      if (ctx.setVariables.has(name)) return ctx.effects.setenv.get(name)?.value;
      // Unset is nil, as at load time: `os.getenv('X') or '/fallback'` takes the fallback.
      return ctx.getenv(name) ?? null;
    },
  ],
  ['pathJoin', pathJoin],
  ['myModuleName', (_, ctx) => moduleName(ctx.filePath)],
  ['myModuleVersion', (_, ctx) => moduleVersion(ctx.filePath)],
  ['myModuleFullName', (_, ctx) => `${moduleName(ctx.filePath)}/${moduleVersion(ctx.filePath)}`],
  ['myFileName', (_, ctx) => ctx.filePath],
  ['tostring', (call) => stringArg(call, 0)],
  // The generated modules' home: string.match(myFileName(), '^(.*)/modules/[^/]+/[^/]+$').
  ['string.match', (call) => luaStringMatch(stringArg(call, 0), stringArg(call, 1))],
  ['string.format', stringFormat],
  ['capture', capture],
  ['setenv', setenv],
  ['pushenv', setenv],
  ['prepend_path', addToPath],
  ['set_shell_function', setShellFunction],
  ['append_path', addToPath],
  ...['load', 'depends_on', 'try_load', 'always_load'].map((name): [string, Builtin] => [
    name,
    dependency(name),
  ]),
]);
