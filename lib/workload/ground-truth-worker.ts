import { parentPort, workerData } from 'node:worker_threads';
import { runTopKSlice, type TopKKernel } from './top-k-select.js';

/** Worker side of computeGroundTruth(): one slice of the query pool over the shared dataset. */
interface Job {
  data: SharedArrayBuffer;
  queries: SharedArrayBuffer;
  rows: number;
  dims: number;
  qFrom: number;
  qTo: number;
  k: number;
  categories: number;
  kernel: TopKKernel;
}

const job = workerData as Job;
parentPort!.postMessage(runTopKSlice(job.kernel, new Float32Array(job.data), job.rows, job.dims, new Float32Array(job.queries), job.qFrom, job.qTo, job.k, job.categories));
