// Static analysis of one Lmod modulefile: parse (luaAst.ts), evaluate (evaluate.ts: scopes and
// folded values, pure), resolve (resolve.ts: the only file system access), then run the rules in
// ../rules/modulefile, one per diagnostic code. Never throws: any text gets a result.
import type { AnalysisEnv } from '../env';
import type { ModulefileRuleContext } from '../rules/modulefile/types';
import { modulefileRules } from '../rules/modulefile';
import type { Finding } from '../types';
import { evaluateModulefile } from './evaluate';
import { lmodFunctions, SANDBOX_GLOBALS } from './lmodApi';
import { LuaSyntaxError, parseTolerant } from './luaAst';
import { resolveModule } from './resolve';
import { SourceMap } from './source';
import type { ModulefileAnalysis } from './types';

export function analyzeModulefile(text: string, filePath: string, env: AnalysisEnv): ModulefileAnalysis {
  const source = new SourceMap(text);
  // A syntax error costs only its own statement: the rest is parsed and analysed as usual.
  const { chunk, parsedText, syntaxError } = parseTolerant(text, env.luaVersion);
  const syntax = syntaxError ? syntaxFinding(syntaxError, source) : [];
  if (!chunk) return emptyAnalysis(syntax);
  try {
    const parsedSource = parsedText === text ? source : new SourceMap(parsedText);
    const evaluation = evaluateModulefile(chunk, parsedSource, filePath, (name) => env.getenv(name));
    const { paths, wrapperDirs, wrappers } = resolveModule(evaluation.paths, evaluation.pathPrepends, env.fs);
    const isContainerModule =
      evaluation.stringLiterals.some((s) => /\.sif\b/.test(s)) ||
      evaluation.setenv.has('WITH_CONDA') ||
      evaluation.setenv.has('SING_IMAGE') ||
      wrappers.some((w) => w.facts.isContainerWrapper);
    const knownGlobal = (name: string) => evaluation.assignedGlobals.has(name) || lmodFunctions.has(name) || SANDBOX_GLOBALS.has(name);
    const ctx: ModulefileRuleContext = {
      text,
      source,
      filePath,
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
      insertionLine: source.lineCount(),
    };
    const findings = [...syntax, ...modulefileRules.flatMap((rule) => rule(ctx))];
    return { findings, calls: evaluation.calls, paths, symbols: evaluation.symbols, setenv: evaluation.setenv, pathPrepends: evaluation.pathPrepends, wrapperDirs, isContainerModule };
  } catch (err) {
    if (err instanceof LuaSyntaxError) return emptyAnalysis(syntax.length > 0 ? syntax : syntaxFinding(err, source));
    // A bug in a rule must not take the editor down: report it as a finding instead.
    return emptyAnalysis([...syntax, { range: source.range(0, 0), severity: 'information', code: 'internal-error', message: `analysis failed: ${(err as Error).message}` }]);
  }
}

function syntaxFinding(err: unknown, source: SourceMap): Finding[] {
  const e = err as { index?: number; message?: string };
  if (typeof e.index !== 'number') return [];
  const text = source.text;
  // luaparse points past the newline that ends an unfinished string; Lua names the string's line.
  const at = /unfinished string/.test(String(e.message)) ? Math.max(0, e.index - 1) : e.index;
  const start = source.position(Math.min(at, text.length));
  const lineEnd = text.indexOf('\n', at);
  const end = source.position(lineEnd === -1 ? text.length : Math.max(lineEnd, at));
  const message = String(e.message ?? 'syntax error').replace(/^\[\d+:\d+\]\s*/, '');
  return [{ range: { start, end }, severity: 'error', code: 'lua-syntax', message }];
}

function emptyAnalysis(findings: Finding[]): ModulefileAnalysis {
  return { findings, calls: [], paths: [], symbols: [], setenv: new Map(), pathPrepends: [], wrapperDirs: [], isContainerModule: false };
}
