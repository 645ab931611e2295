// THE check of one file: (text, path, context) -> findings, summary, dependencies. The tree check
// (checkProject.ts, on every core through modulefileJob.ts) and the language server
// (server/checker.ts) both call checkFile, so they cannot disagree: the analysis, ShellCheck as an
// asynchronous stage, then the configuration (policy.ts), in this one order. A result cache
// (checkCache.ts) is a layer around it, as ESLint keeps its result cache outside the linter.
// Never throws: a bug met while checking a file is that file's internal-error finding.
import { createHash } from 'node:crypto';
import type { AnalysisEnv } from '../env';
import type { ModulefileAnalysis } from '../modulefile/types';
import { finalizeFindings, type SeverityPolicy } from '../policy';
import { range, type Finding } from '../types';
import { analyzeModulefile } from '../modulefile/analyze';
import { analyzeWrapper } from '../wrapper/analyze';
import { bashParserReady, initBashParser } from '../wrapper/parser';
import { runShellcheck, shellcheckVersion } from '../wrapper/shellcheck';
import { recordingEnv, type Dependency } from './dependencies';
import { moduleSummary, type ModuleSummary } from './moduleIndex';

export type CheckedKind = 'modulefile' | 'wrapper';

/** ShellCheck's findings for a container wrapper's text (a batch of files, or one cached run). */
export type ShellcheckStage = (path: string, text: string) => Promise<Finding[]>;

export interface FileCheckContext {
  kind: CheckedKind;
  env: AnalysisEnv;
  /** Per-code severity of this file (.lumi-modules.json, with the editor's settings on top). */
  severity?: SeverityPolicy;
  /** What reading the file found (invalid UTF-8, ...): configured like every other finding. */
  notes?: readonly Finding[];
  /** A wrapper: the modules that put its directory on PATH and set WITH_CONDA. */
  modulesSettingWithConda?: readonly string[];
  /** A wrapper: the value each of those modules gives WITH_CONDA, where folded (absent: unknown). */
  withCondaValues?: ReadonlyMap<string, string>;
  /** A wrapper: a checked module puts its directory on PATH (undefined: not known). */
  onModulePath?: boolean;
  /** A wrapper: ShellCheck, when it is to run (no stage: no ShellCheck findings). */
  shellcheck?: ShellcheckStage;
  /** Record what the analysis asked the world, with the answers (for a result cache). */
  recordDependencies?: boolean;
  /** An editor's document: the analysis keeps what its next version reuses, given this one. */
  document?: { previous?: ModulefileAnalysis };
  /** Told our findings (configured) before ShellCheck's stage is awaited: the editor shows them first. */
  onAnalysed?: (check: FileCheck) => void;
}

export interface FileCheck {
  /** Every finding, the configuration applied. */
  findings: Finding[];
  /** A modulefile: what the module index needs (its PATH directories, WITH_CONDA). */
  summary?: ModuleSummary;
  /** With recordDependencies: the questions asked of the world and their answers. */
  dependencies?: Dependency[];
  /** A wrapper: whether it is a container wrapper (the rules and ShellCheck ran). */
  containerWrapper?: boolean;
  /** A modulefile: the analysis itself (hover, definition, symbols). Not sent across threads. */
  analysis?: ModulefileAnalysis;
}

const NO_SUMMARY: ModuleSummary = { wrapperDirs: [], setsWithConda: false };

/** The finding a bug in the check of one file becomes; the other files are checked as usual. */
export function internalErrorFinding(err: unknown): Finding {
  const message = err instanceof Error ? err.message : String(err);
  return {
    range: range(0, 0, 0, 0),
    severity: 'information',
    code: 'internal-error',
    message: `check of this file failed: ${message.split('\n')[0].slice(0, 200)}`,
  };
}

export async function checkFile(text: string, path: string, context: FileCheckContext): Promise<FileCheck> {
  const syntax = context.kind === 'wrapper' ? 'shell' : 'lua';
  const configure = (findings: readonly Finding[]) =>
    finalizeFindings([...(context.notes ?? []), ...findings], {
      text,
      syntax,
      severity: context.severity,
    });
  try {
    return context.kind === 'modulefile'
      ? await checkModulefile(text, path, context, configure)
      : await checkWrapper(text, path, context, configure);
  } catch (err) {
    return {
      findings: configure([internalErrorFinding(err)]),
      summary: context.kind === 'modulefile' ? NO_SUMMARY : undefined,
    };
  }
}

type Configure = (findings: readonly Finding[]) => Finding[];

async function checkModulefile(
  text: string,
  path: string,
  context: FileCheckContext,
  configure: Configure,
): Promise<FileCheck> {
  const { env } = context;
  let recorder = context.recordDependencies ? recordingEnv(env) : undefined;
  let analysis = analyzeModulefile(text, path, recorder?.env ?? env, context.document);
  // The module's wrappers need the bash parser (their facts: WITH_CONDA use), and so do the bodies of
  // its shell functions (set_shell_function, parsed as bash): started only when a module has any,
  // and the module analysed again with it.
  if (
    !bashParserReady() &&
    (analysis.wrapperDirs.some((d) => (env.fs.listDir(d)?.length ?? 0) > 0) ||
      analysis.calls.some((c) => c.isGlobal && c.name === 'set_shell_function'))
  ) {
    await initBashParser();
    recorder = context.recordDependencies ? recordingEnv(env) : undefined;
    analysis = analyzeModulefile(text, path, recorder?.env ?? env, context.document);
  }
  const check: FileCheck = {
    findings: configure(analysis.findings),
    summary: moduleSummary(analysis),
    dependencies: recorder?.deps,
    analysis,
  };
  context.onAnalysed?.(check);
  return check;
}

async function checkWrapper(
  text: string,
  path: string,
  context: FileCheckContext,
  configure: Configure,
): Promise<FileCheck> {
  if (!bashParserReady()) await initBashParser();
  const analysis = analyzeWrapper(text, path, {
    modulesSettingWithConda: [...(context.modulesSettingWithConda ?? [])],
    withCondaValues: context.withCondaValues,
    onModulePath: context.onModulePath,
  });
  const containerWrapper = analysis.facts.isContainerWrapper;
  const ours: FileCheck = { findings: configure(analysis.findings), containerWrapper };
  const stage = containerWrapper && context.env.shellcheck.enabled ? context.shellcheck : undefined;
  if (!stage) return ours;
  // Called before anything is awaited: a tree check's batches take every wrapper of the run.
  const shellcheck = stage(path, text);
  context.onAnalysed?.(ours);
  const theirs = await shellcheck;
  if (theirs.length === 0) return ours;
  return { findings: configure([...analysis.findings, ...theirs]), containerWrapper };
}

/**
 * ShellCheck one text at a time, each result kept by ShellCheck's path and version and the text:
 * an unchanged wrapper is not checked again (the editor's stage; the tree check batches instead).
 */
export function memoizedShellcheck(env: () => AnalysisEnv, limit = 500): ShellcheckStage {
  const results = new Map<string, Promise<Finding[]>>();
  return async (_path, text) => {
    const current = env();
    const version = await shellcheckVersion(current.shellcheck.path);
    const key = createHash('sha256')
      .update(`${current.shellcheck.path}\0${version}\0`)
      .update(text)
      .digest('hex');
    let found = results.get(key);
    if (!found) {
      found = runShellcheck(text, current);
      if (results.size >= limit) results.delete(results.keys().next().value!);
      results.set(key, found);
    }
    return found;
  };
}
