// Static analysis of one Lmod modulefile: parse (luaAst.ts), evaluate (evaluate.ts: scopes and
// folded values, pure), resolve (resolve.ts: the only file system access), then run the rules in
// ../rules/modulefile, one per diagnostic code. Never throws: any text gets a result.
import type { AnalysisEnv } from '../env';
import type { ImageContext, ModulefileRuleContext } from '../rules/modulefile/types';
import { modulefileRules } from '../rules/modulefile';
import type { Finding } from '../types';
import { evaluateModulefile } from './evaluate';
import {
  lmodFunctions,
  MODULERC_GLOBALS,
  modulercFunctions,
  SANDBOX_GLOBALS,
  siteFunction,
  type LmodFunction,
} from './lmodApi';
import { containerKindOf } from './containerKind';
import { isInModuleTree, modulefileKind } from './fileKind';
import { LuaSyntaxError, parseTolerant } from './luaAst';
import { resolveModule, type FoundWrapper } from './resolve';
import { imagePathChecks } from './imagePaths';
import { projectHome } from './site';
import { renderValue, type HiddenValue } from './renderValue';
import { SourceMap } from './source';
import type { ModulefileAnalysis, PathExpression } from './types';
import { clipped } from '../messages';

/**
 * `document`: the text is an editor's document, analysed again after every edit. The result then
 * keeps what the next analysis may reuse (resumableParse: the syntax tree among it, so only then),
 * and `document.previous`, the analysis of its last version, is reused where it still holds.
 */
export function analyzeModulefile(
  text: string,
  filePath: string,
  env: AnalysisEnv,
  document?: { previous?: ModulefileAnalysis },
): ModulefileAnalysis {
  const source = new SourceMap(text);
  // A syntax error costs only its own statement: the rest is parsed and analysed as usual.
  const { chunk, parsedText, syntaxError, resumable } = parseTolerant(
    text,
    env.luaVersion,
    document?.previous?.resumableParse,
  );
  const resumableParse = document ? resumable : undefined;
  const syntax = syntaxError ? syntaxFinding(syntaxError, source) : [];
  if (!chunk) return { ...emptyAnalysis(syntax), resumableParse };
  try {
    // Values from the process environment are used for resolving but never shown in messages.
    const hiddenValues: HiddenValue[] = [];
    const getenv = (name: string) => {
      const value = env.getenv(name);
      if (value !== undefined && env.getenvOrigin?.(name) !== 'asked')
        hiddenValues.push({ value, shownAs: `$${name}` });
      return value;
    };
    const parsedSource = parsedText === text ? source : new SourceMap(parsedText);
    // A value the user gave (--env, lumiModules.env) says the variable is set where the module loads.
    const given = (name: string) => env.getenvOrigin?.(name) === 'asked' && env.getenv(name) !== undefined;
    const evaluation = evaluateModulefile(
      chunk,
      parsedSource,
      filePath,
      getenv,
      given,
      document !== undefined,
    );
    const kind = modulefileKind(
      filePath,
      evaluation.calls,
      env.modulercPaths ?? [],
      lmodFunctions,
      modulercFunctions,
    );
    if (kind === 'lmod-config') return { ...emptyAnalysis(syntax), resumableParse };
    const functions = functionCatalogue(kind, env);
    // A Lua file outside a module tree (a Neovim init.lua, a script) is none of Lmod's business.
    if (kind === 'modulefile' && !isInModuleTree(filePath, env.modulePath ?? [], evaluation.calls, functions))
      return { ...emptyAnalysis(syntax), resumableParse };
    const { paths, wrapperDirs, wrappers, uncheckedRoots } = resolveModule(
      evaluation.paths,
      evaluation.pathPrepends,
      env.fs,
      {
        home: projectHome(filePath),
        askedValue: (name) => (env.getenvOrigin?.(name) === 'asked' ? env.getenv(name) : undefined),
      },
    );
    const containerKind = kind === 'modulefile' ? containerKindOf(evaluation, wrappers) : undefined;
    const isContainerModule = containerKind !== undefined;
    const globals = kind === 'modulerc' ? MODULERC_GLOBALS : SANDBOX_GLOBALS;
    const knownGlobal = (name: string) =>
      evaluation.assignedGlobals.has(name) || functions.has(name) || globals.has(name);
    const image = imageContext(paths, evaluation, wrappers, env);
    const ctx: ModulefileRuleContext = {
      text,
      source,
      filePath,
      fileKind: kind,
      functions,
      otherKindFunctions: kind === 'modulerc' ? lmodFunctions : modulercFunctions,
      containerKind,
      uncheckedRoots,
      calls: evaluation.calls,
      paths,
      setenv: evaluation.setenv,
      pathPrepends: evaluation.pathPrepends,
      wrappers,
      isContainerModule,
      locals: evaluation.locals,
      definedGlobals: evaluation.assignedGlobals,
      undefinedReads: evaluation.globalReads.filter((read) => !knownGlobal(read.name)),
      getenvWithoutFallback: evaluation.getenvWithoutFallback,
      image,
      hostVenv: image?.outcome.ok ? hostVenv(paths, evaluation.setenv, env) : undefined,
      nilConcats: evaluation.nilConcats,
      insertionLine: source.lineCount(),
      render: (value) => renderValue(value, hiddenValues),
    };
    // The token Lua stopped at is a guess after recovery (in `"text ("word") text"` the word became
    // a call): no name-based finding of ours exactly there besides the syntax error itself.
    const guessed = (f: Finding) =>
      (f.code === 'unknown-function' || f.code === 'undefined-variable') &&
      syntax.some(
        (s) =>
          s.range.start.line === f.range.start.line && s.range.start.character === f.range.start.character,
      );
    const findings = [...syntax, ...modulefileRules.flatMap((rule) => rule(ctx)).filter((f) => !guessed(f))];
    return {
      findings,
      calls: evaluation.calls,
      paths,
      // The outline shows a local's value as messages do (environment values as $NAME).
      symbols:
        hiddenValues.length === 0
          ? evaluation.symbols
          : evaluation.symbols.map((sym) =>
              sym.detail === undefined ? sym : { ...sym, detail: renderValue(sym.detail, hiddenValues) },
            ),
      setenv: evaluation.setenv,
      pathPrepends: evaluation.pathPrepends,
      wrapperDirs,
      isContainerModule,
      containerKind,
      functions,
      localValues: evaluation.localValues,
      resumableParse,
      hiddenValues,
    };
  } catch (err) {
    if (err instanceof LuaSyntaxError)
      return emptyAnalysis(syntax.length > 0 ? syntax : syntaxFinding(err, source));
    // A bug in a rule must not take the editor down: report it as a finding instead.
    return emptyAnalysis([
      ...syntax,
      {
        range: source.range(0, 0),
        severity: 'information',
        code: 'internal-error',
        message: clipped(`analysis failed: ${(err as Error).message}`),
      },
    ]);
  }
}

/**
 * The image a container module names (SING_IMAGE, else SIF), read when it exists here, with the
 * paths its wrappers expect inside it (a SIF only: a squashfs is mostly an overlay of another).
 */
function imageContext(
  paths: PathExpression[],
  evaluation: Pick<ModulefileAnalysis, 'setenv' | 'pathPrepends' | 'calls'>,
  wrappers: FoundWrapper[],
  env: AnalysisEnv,
): ImageContext | undefined {
  const { setenv, pathPrepends, calls } = evaluation;
  const singImage = paths.find((p) => p.role === 'sing-image' && p.value);
  const named = singImage ?? paths.find((p) => p.value !== undefined && p.value === setenv.get('SIF')?.value);
  if (!named?.value || !env.fs.imageFacts || (named.exists !== 'file' && named.exists !== 'dir'))
    return undefined;
  const variable = singImage ? 'SING_IMAGE' : 'SIF';
  const outcome = env.fs.imageFacts(named.value);
  const inside =
    outcome.ok && outcome.facts.format === 'sif' && !outcome.facts.tykky
      ? imagePathChecks(named.value, variable, wrappers, setenv, pathPrepends, calls, env)
      : [];
  return { path: named.value, variable, range: named.range, outcome, inside };
}

/** A host venv the module uses: VIRTUAL_ENV, or a PATH entry <venv>/bin beside a pyvenv.cfg. */
function hostVenv(
  paths: PathExpression[],
  setenv: ModulefileAnalysis['setenv'],
  env: AnalysisEnv,
): ModulefileRuleContext['hostVenv'] {
  const candidates: { path: string; range: PathExpression['range'] }[] = [];
  const venv = setenv.get('VIRTUAL_ENV');
  if (venv?.value?.startsWith('/')) candidates.push({ path: venv.value, range: venv.range });
  for (const p of paths)
    if (p.role === 'path-dir' && p.value?.endsWith('/bin'))
      candidates.push({ path: p.value.slice(0, -4), range: p.range });
  for (const c of candidates) {
    const cfg = env.fs.readText(`${c.path}/pyvenv.cfg`);
    if (cfg === undefined) continue;
    const version = /^\s*(?:version_info|version)\s*=\s*(\S+)/m.exec(cfg)?.[1];
    return { path: c.path, version, range: c.range };
  }
  return undefined;
}

/**
 * What a file of this kind may call: Lmod's set for the kind, plus a site's registered functions in
 * modulefiles.
 */
function functionCatalogue(
  kind: 'modulefile' | 'modulerc',
  env: AnalysisEnv,
): ReadonlyMap<string, LmodFunction> {
  if (kind === 'modulerc') return modulercFunctions;
  const site = env.siteFunctions;
  if (!site || site.names.length === 0) return lmodFunctions;
  const all = new Map(lmodFunctions);
  for (const name of site.names) if (!all.has(name)) all.set(name, siteFunction(name, site.origin));
  return all;
}

function syntaxFinding(err: unknown, source: SourceMap): Finding[] {
  const e = err as { index?: number; message?: string };
  if (typeof e.index !== 'number') return [];
  const text = source.text;
  // luaparse (Lua 5.1, LuaJIT) points past the newline that ends an unfinished string; Lua names
  // the string's line, as the Lua 5.3 rules do (their offset is the newline's).
  const pastNewline = e.index > 0 && text[e.index - 1] === '\n';
  const at = pastNewline && /unfinished string/.test(String(e.message)) ? e.index - 1 : e.index;
  const start = source.position(Math.min(at, text.length));
  const lineEnd = text.indexOf('\n', at);
  const end = source.position(lineEnd === -1 ? text.length : Math.max(lineEnd, at));
  const message = String(e.message ?? 'syntax error').replace(/^\[\d+:\d+\]\s*/, '');
  return [{ range: { start, end }, severity: 'error', code: 'lua-syntax', message: clipped(message) }];
}

function emptyAnalysis(findings: Finding[]): ModulefileAnalysis {
  return {
    findings,
    calls: [],
    paths: [],
    symbols: [],
    setenv: new Map(),
    pathPrepends: [],
    wrapperDirs: [],
    isContainerModule: false,
    containerKind: undefined,
    functions: lmodFunctions,
    hiddenValues: [],
  };
}
