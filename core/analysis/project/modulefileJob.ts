// Checking one modulefile of a tree: read it, analyse it (starting the bash parser when the module
// has wrappers, whose facts the rules use) and say what the run needs of it. The same function runs
// on the main thread and in the tree check's worker threads (parallel.ts), so both give the same.
import type { AnalysisEnv } from '../env';
import type { Finding } from '../types';
import { recordingEnv } from './checkCache';
import { moduleSummary, type ModuleSummary } from './moduleIndex';
import { readSource } from './readSource';

type Analysers = typeof import('./analysers');

export interface ModulefileResult {
  /** False: the file could not be read as text; `findings` says why. */
  readable: boolean;
  /** The analysers' findings (with the reader's notes), before configuration is applied. */
  findings: Finding[];
  /** The text, when the run needs it: a cache to fill, or suppression comments to apply. */
  text?: string;
  summary?: ModuleSummary;
  /** What the analysis asked the world, with the answers (`check --cache` only). */
  deps?: ReturnType<typeof recordingEnv>['deps'];
}

export async function checkModulefileFile(file: string, env: AnalysisEnv, analysers: Analysers, forCache: boolean): Promise<ModulefileResult> {
  const source = readSource(file, true);
  if (!source.ok) return { readable: false, findings: source.notes };
  let recorder = forCache ? recordingEnv(env) : undefined;
  let analysis = analysers.analyzeModulefile(source.text, file, recorder?.env ?? env);
  // The module's wrappers need the bash parser (their facts: WITH_CONDA use); started only now
  // when no script was among the checked files.
  if (!analysers.bashParserReady() && analysis.wrapperDirs.some((d) => (env.fs.listDir(d)?.length ?? 0) > 0)) {
    await analysers.initBashParser();
    recorder = forCache ? recordingEnv(env) : undefined;
    analysis = analysers.analyzeModulefile(source.text, file, recorder?.env ?? env);
  }
  // Suppression comments are read from the text only when it has one (the fast path of policy.ts).
  const needText = forCache || source.text.includes('lumi-modules:');
  return {
    readable: true,
    findings: [...source.notes, ...analysis.findings],
    text: needText ? source.text : undefined,
    summary: moduleSummary(analysis),
    deps: recorder?.deps,
  };
}
