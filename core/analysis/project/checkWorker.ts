// A worker thread of the tree check (parallel.ts): analyses the batches of modulefiles it claims
// and posts their results. Bundled on its own (dist/checkWorker.js): only the analysers, so it
// starts fast.
import { parentPort, workerData } from 'node:worker_threads';
import { batchEnv } from '../env';
import * as analysers from './analysers';
import { checkModulefileBatch } from './modulefileJob';
import { claimBatch, type WorkerInput, type WorkerMessage } from './parallel';

async function work(input: WorkerInput): Promise<void> {
  const env = batchEnv(input.envOptions);
  const next = new Int32Array(input.next);
  const total = input.job.files.length;
  for (let batch = claimBatch(next, total); batch; batch = claimBatch(next, total)) {
    const results = await checkModulefileBatch(input.job, batch[0], batch[1], env, analysers);
    parentPort!.postMessage({ start: batch[0], results } satisfies WorkerMessage);
  }
  parentPort!.postMessage({ done: true } satisfies WorkerMessage);
}

void work(workerData as WorkerInput);
