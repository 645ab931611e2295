// Checking the modulefiles of a tree: each read, then checked by the one engine (checkFile.ts),
// and what the run needs of it said back. The same function runs on the main thread and in the
// tree check's worker threads (parallel.ts), so both give the same.
import type { AnalysisEnv } from '../env';
import { finalizeFindings, type SeverityPolicy } from '../policy';
import type { Finding } from '../types';
import { sha1, type Dependency } from './dependencies';
import type { ModuleSummary } from './moduleIndex';
import { readSource, type SourceRead } from './readSource';

type Analysers = typeof import('./analysers');

/** The modulefiles of a run, with each file's configuration (decided by the main thread). */
export interface ModulefileJob {
  files: readonly string[];
  /** Distinct severity configurations; `severityOf[i]` is file i's (plain data: sent to workers). */
  severities: readonly SeverityPolicy[];
  severityOf: readonly number[];
  /** A result cache wants each file's dependencies and content hash. */
  forCache: boolean;
}

export interface ModulefileResult {
  /** False: the file could not be read as text; `findings` says why. */
  readable: boolean;
  /** Every finding, the configuration applied. */
  findings: Finding[];
  /** The text's hash, for a result cache. */
  contentHash?: string;
  summary?: ModuleSummary;
  /** What the analysis asked the world, with the answers (for a result cache). */
  deps?: Dependency[];
}

export async function checkModulefileFile(
  job: ModulefileJob,
  i: number,
  env: AnalysisEnv,
  analysers: Analysers,
  source: SourceRead = readSource(job.files[i], true),
): Promise<ModulefileResult> {
  const severity = job.severities[job.severityOf[i]];
  // A file that cannot be read gets the reader's notes, configured like any finding.
  if (!source.ok)
    return { readable: false, findings: finalizeFindings(source.notes, { syntax: 'lua', severity }) };
  const check = await analysers.checkFile(source.text, job.files[i], {
    kind: 'modulefile',
    env,
    severity,
    notes: source.notes,
    recordDependencies: job.forCache,
  });
  return {
    readable: true,
    findings: check.findings,
    contentHash: job.forCache ? sha1(source.text) : undefined,
    summary: check.summary,
    deps: check.dependencies,
  };
}

/**
 * Files read ahead of their analysis: up to this many bytes of text at a time (texts are at most 1 MiB each).
 */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/**
 * checkModulefileFile on files[start, end), each run of files read before any of them is analysed:
 * reads back to back cost half what reads between analyses cost (the kernel's and the CPU's caches
 * stay warm).
 */
export async function checkModulefileBatch(
  job: ModulefileJob,
  start: number,
  end: number,
  env: AnalysisEnv,
  analysers: Analysers,
): Promise<ModulefileResult[]> {
  const results: ModulefileResult[] = [];
  let next = start;
  while (next < end) {
    const first = next;
    const sources: SourceRead[] = [];
    for (let bytes = 0; next < end && bytes < READ_AHEAD_BYTES; next++) {
      const source = readSource(job.files[next], true);
      sources.push(source);
      if (source.ok) bytes += source.text.length;
    }
    for (let i = 0; i < sources.length; i++)
      results.push(await checkModulefileFile(job, first + i, env, analysers, sources[i]));
  }
  return results;
}
