// Reads and analyses a batch of modulefiles: in this thread, or split over worker threads when a
// tree is large (each modulefile is independent; only the summaries are combined afterwards).
// The workers run the same bundled script (see cli/main.ts), so no second entry point is needed.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { makeEnv, realFileSystem, snapshotFileSystem, type AnalysisEnv, type LuaVersion } from '../env';
import { analyzeModulefile } from '../modulefile/analyze';
import type { Finding } from '../types';
import { moduleSummary, type ModuleSummary } from './moduleIndex';
import { readSource } from './readSource';

export interface ModulefileResult {
  file: string;
  notes: Finding[];
  findings: Finding[];
  summary?: ModuleSummary;
}

export type ModulefileBatch = (files: readonly string[], env: AnalysisEnv) => Promise<ModulefileResult[]>;

export function analyzeModulefileInThread(file: string, env: AnalysisEnv): ModulefileResult {
  const source = readSource(file);
  if (!source.ok) return { file, notes: source.notes, findings: [] };
  const analysis = analyzeModulefile(source.text, file, env);
  return { file, notes: source.notes, findings: analysis.findings, summary: moduleSummary(analysis) };
}

export const inThread: ModulefileBatch = async (files, env) => files.map((f) => analyzeModulefileInThread(f, env));

/** What a worker needs to rebuild the environment: every variable getenv can see, the grammar. */
export interface WorkerJob {
  kind: 'lumi-modulefile-batch';
  files: string[];
  vars: Record<string, string>;
  luaVersion: LuaVersion;
}

/** Below this many files a worker's start-up costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 400;

/**
 * Splits FILES over worker threads running SCRIPT (the bundled CLI). `knownVars` must hold every
 * variable the environment's getenv answers (functions cannot cross threads).
 */
export function inWorkers(script: string, knownVars: Record<string, string>, maxThreads = availableParallelism()): ModulefileBatch {
  return async (files, env) => {
    const threads = Math.min(maxThreads, 8, Math.floor(files.length / (MIN_FILES_FOR_WORKERS / 2)));
    if (threads < 2) return inThread(files, env);
    const chunks: string[][] = Array.from({ length: threads }, () => []);
    files.forEach((f, i) => chunks[i % threads].push(f));
    const parts = await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<ModulefileResult[]>((resolve, reject) => {
            const job: WorkerJob = { kind: 'lumi-modulefile-batch', files: chunk, vars: knownVars, luaVersion: env.luaVersion };
            const worker = new Worker(script, { workerData: job });
            worker.once('message', (results: ModulefileResult[]) => resolve(results));
            worker.once('error', reject);
            worker.once('exit', (code) => (code !== 0 ? reject(new Error(`modulefile worker exited with ${code}`)) : undefined));
          }),
      ),
    );
    const byFile = new Map<string, ModulefileResult>();
    for (const part of parts) for (const r of part) byFile.set(r.file, r);
    return files.map((f) => byFile.get(f)!);
  };
}

/** The worker side: analyse the job's files with a snapshot of the real file system. */
export function runWorkerJob(job: WorkerJob): ModulefileResult[] {
  const env = makeEnv({ vars: job.vars, luaVersion: job.luaVersion, fs: snapshotFileSystem(realFileSystem) });
  return job.files.map((f) => analyzeModulefileInThread(f, env));
}
