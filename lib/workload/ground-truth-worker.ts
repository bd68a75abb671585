import { parentPort } from 'node:worker_threads';
import type { GroundTruthJob } from './ground-truth-pool.js';
import { runTopKSlice } from './top-k-select.js';

/** Worker side of GroundTruthPool: says 'ready' once loaded, then answers each job with its slice's top-k. */
parentPort!.on('message', (job: GroundTruthJob) => {
  parentPort!.postMessage(runTopKSlice(job.kernel, new Float32Array(job.data), job.rows, job.dims, new Float32Array(job.queries), job.qFrom, job.qTo, job.k, job.categories, job.rowCategories));
});
parentPort!.postMessage('ready');
