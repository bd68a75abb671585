import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CATEGORY_COUNT, vectorBatches, type DatasetSpec } from './generator.js';
import type { TopKResult } from './top-k.js';
import { preferredKernel, runTopKSlice, type TopKKernel } from './top-k-select.js';

/**
 * Exact top-k neighbours of every pool query vector, computed in Node from the generator's own
 * vectors (no database involved). All vectors are L2-normalised, so ordering by cosine distance,
 * by L2 distance and by inner product (descending) are the same ordering: one dot product per
 * (query, row) serves all three metrics. Rows are ranked by dot product descending, ties broken
 * by lower id; exactly: the float64 score and order defined in top-k-candidates.ts, which every
 * kernel returns. (Stored float32 vectors have norms 1 ± ~1e-7, and engines score in their own
 * float32 arithmetic, so rows whose scores differ by less than ~1e-6 may be ordered differently
 * by an engine or by another metric: a rare recall miss that no ground truth can avoid.)
 *
 * Besides the unfiltered top-k, the top-k within each category (id mod CATEGORY_COUNT) is kept for
 * the filtered kNN query.
 */
export interface GroundTruth {
  k: number;
  /** [queryIndex] → ids, nearest first. */
  all: number[][];
  /** [queryIndex][category] → ids, nearest first. */
  byCategory: number[][][];
}

/**
 * Worker threads over one SharedArrayBuffer holding the dataset: the pool is split into one slice
 * per worker (default: available cores). `workers: 0` computes in this thread (tests, tiny data).
 * `kernel` defaults to WebAssembly SIMD where the runtime has it (top-k-select.ts); every kernel
 * returns the same ids.
 */
export async function computeGroundTruth(
  spec: DatasetSpec,
  pool: readonly Float32Array[],
  k: number,
  workers = availableParallelism(),
  kernel: TopKKernel = preferredKernel(),
): Promise<GroundTruth> {
  const dims = spec.dims;
  const data = new Float32Array(new SharedArrayBuffer(spec.size * dims * 4));
  for (const b of vectorBatches(spec, 1000)) data.set(b.data, (b.firstId - 1) * dims);
  const queries = new Float32Array(new SharedArrayBuffer(pool.length * dims * 4));
  pool.forEach((v, i) => queries.set(v, i * dims));
  return groundTruthFromArrays(data, spec.size, dims, queries, pool.length, k, workers, kernel);
}

/** The search itself, over data already in shared memory (row i holds id i+1). */
export async function groundTruthFromArrays(
  data: Float32Array,
  rows: number,
  dims: number,
  queries: Float32Array,
  nq: number,
  k: number,
  workers = availableParallelism(),
  kernel: TopKKernel = preferredKernel(),
): Promise<GroundTruth> {
  if (workers <= 1 || nq < 2 || !(data.buffer instanceof SharedArrayBuffer) || !(queries.buffer instanceof SharedArrayBuffer)) {
    return { k, ...runTopKSlice(kernel, data, rows, dims, queries, 0, nq, k, CATEGORY_COUNT) };
  }
  const n = Math.min(workers, nq);
  const slices = Array.from({ length: n }, (_, w) => [Math.floor((w * nq) / n), Math.floor(((w + 1) * nq) / n)] as const);
  const parts = await Promise.all(
    slices.map(
      ([qFrom, qTo]) =>
        new Promise<TopKResult>((resolve, reject) => {
          // A plain-JS entry that registers tsx first (see ground-truth-worker.mjs).
          const w = new Worker(new URL('./ground-truth-worker.mjs', import.meta.url), {
            workerData: { data: data.buffer, queries: queries.buffer, rows, dims, qFrom, qTo, k, categories: CATEGORY_COUNT, kernel },
          });
          w.once('message', (m: TopKResult) => resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`ground-truth worker exited with code ${code}`)));
        }),
    ),
  );
  return { k, all: parts.flatMap((p) => p.all), byCategory: parts.flatMap((p) => p.byCategory) };
}

/** |returned ∩ truth| / |truth| (recall@k with k = truth length). */
export function recallAt(returned: readonly number[], truth: readonly number[]): number {
  if (truth.length === 0) return returned.length === 0 ? 1 : 0;
  const set = new Set(truth);
  let hit = 0;
  for (const id of returned) if (set.has(id)) hit++;
  return hit / truth.length;
}
