import { parentPort, workerData } from 'node:worker_threads';
import { topKSlice } from './top-k.js';

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
}

const job = workerData as Job;
parentPort!.postMessage(topKSlice(new Float32Array(job.data), job.rows, job.dims, new Float32Array(job.queries), job.qFrom, job.qTo, job.k, job.categories));
