// A tree check's modulefiles analysed on every core: worker threads (checkWorker.ts) and the main
// thread take batches of files from one shared counter until none are left, so a slow file holds
// up nobody. Results come back by file index and are applied in file order: the output is the
// serial run's. A worker that cannot start or dies leaves its files to the main thread.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AnalysisEnv, MakeEnvOptions } from '../env';
import {
  checkModulefileBatch,
  checkModulefileFile,
  type ModulefileJob,
  type ModulefileResult,
} from './modulefileJob';

type Analysers = typeof import('./analysers');

/** What a worker is started with (workerData). */
export interface WorkerInput {
  job: ModulefileJob;
  /** The main thread's environment, rebuilt in the worker over its own file-system snapshot. */
  envOptions: Omit<MakeEnvOptions, 'fs'>;
  /** Int32Array[0]: the index of the next file nobody took yet. */
  next: SharedArrayBuffer;
}

/** What a worker posts: the results of one batch, or that it has taken its last batch. */
export type WorkerMessage = { start: number; results: ModulefileResult[] } | { done: true };

/**
 * Files taken at a time: small enough to balance the end between threads, large enough that
 * messages stay few and reads come in runs (see checkModulefileBatch).
 */
export const BATCH = 128;
/** A worker pays for its start-up (a thread, the bundle, the parsers) only past this many files each. */
const FILES_PER_WORKER = 500;
const MAX_WORKERS = 7;
/**
 * Cores one analysing thread keeps busy: V8 compiles optimised code and collects garbage on
 * threads of its own, so a one-thread check keeps more than one core busy and on 2 cores a worker
 * thread made it no faster: `auto` starts workers from 4.
 */
const CORES_PER_THREAD = 2;

export interface ParallelOptions {
  /** The worker entry (dist/checkWorker.js); without it everything runs on the main thread. */
  workerScript?: string;
  envOptions: Omit<MakeEnvOptions, 'fs'>;
  /** Threads besides the main one; default (`auto`): as the cores and the file count pay for. */
  workers?: number;
  /** False: the main thread leaves the analysis to the workers (a test's way to make them work). */
  mainThread?: boolean;
  /** Told how many files the workers analysed (the rest ran on the main thread). */
  onDone?: (filesByWorkers: number) => void;
}

/**
 * Worker threads worth starting for `files` files (`requested`: exactly that many, at most one per further
 * file).
 */
export function workerCount(files: number, requested?: number, cores = availableParallelism()): number {
  const useful = Math.min(
    Math.floor(cores / CORES_PER_THREAD) - 1,
    MAX_WORKERS,
    Math.floor(files / FILES_PER_WORKER),
  );
  return Math.max(0, requested === undefined ? useful : Math.min(requested, files - 1));
}

/** Claims the next batch from the shared counter: [start, end) or undefined when all are taken. */
export function claimBatch(next: Int32Array, total: number): [number, number] | undefined {
  const start = Atomics.add(next, 0, BATCH);
  return start < total ? [start, Math.min(total, start + BATCH)] : undefined;
}

export async function checkModulefiles(
  job: ModulefileJob,
  env: AnalysisEnv,
  analysers: Analysers,
  parallel?: ParallelOptions,
): Promise<ModulefileResult[]> {
  const { files } = job;
  const results: (ModulefileResult | undefined)[] = new Array(files.length);
  const count = parallel?.workerScript ? workerCount(files.length, parallel.workers) : 0;
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  let byWorkers = 0;
  const finished = Array.from({ length: count }, () => {
    const input: WorkerInput = { job, envOptions: parallel!.envOptions, next };
    return new Promise<void>((resolve) => {
      let worker: Worker;
      try {
        // Loaded here: a run with no workers (most, and every one its cache answers) skips loading it.
        const { Worker: WorkerThread } =
          require('node:worker_threads') as typeof import('node:worker_threads');
        worker = new WorkerThread(parallel!.workerScript!, { workerData: input });
      } catch {
        resolve();
        return;
      }
      worker.on('message', (message: WorkerMessage) => {
        // Messages arrive in order: after 'done' there is nothing more to wait for (the thread's
        // own exit can lag behind by a second: the bash parser's WebAssembly instance).
        if ('done' in message) void worker.terminate();
        else {
          message.results.forEach((r, i) => (results[message.start + i] = r));
          byWorkers += message.results.length;
        }
      });
      // An error is followed by 'exit'; the files it took and did not report are redone below.
      worker.on('error', () => undefined);
      worker.on('exit', () => resolve());
    });
  });
  while (count === 0 || parallel?.mainThread !== false) {
    const batch = claimBatch(counter, files.length);
    if (!batch) break;
    (await checkModulefileBatch(job, batch[0], batch[1], env, analysers)).forEach(
      (r, i) => (results[batch[0] + i] = r),
    );
  }
  await Promise.all(finished);
  parallel?.onDone?.(byWorkers);
  for (let i = 0; i < files.length; i++) results[i] ??= await checkModulefileFile(job, i, env, analysers);
  return results as ModulefileResult[];
}
