import { availableParallelism } from 'node:os';
import { CATEGORY_COUNT, vectorBatches, type DatasetSpec } from './generator.js';
import { GroundTruthPool } from './ground-truth-pool.js';
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
 * The workers start first, so their start-up overlaps the data generation. `kernel` defaults to
 * WebAssembly SIMD where the runtime has it (top-k-select.ts); every kernel returns the same ids.
 */
export async function computeGroundTruth(
  spec: DatasetSpec,
  pool: readonly Float32Array[],
  k: number,
  workers = availableParallelism(),
  kernel: TopKKernel = preferredKernel(),
): Promise<GroundTruth> {
  const threads = workers > 1 && pool.length > 1 ? new GroundTruthPool(Math.min(workers, pool.length)) : undefined;
  try {
    const dims = spec.dims;
    const data = new Float32Array(new SharedArrayBuffer(spec.size * dims * 4));
    for (const b of vectorBatches(spec, 1000)) data.set(b.data, (b.firstId - 1) * dims);
    const queries = new Float32Array(new SharedArrayBuffer(pool.length * dims * 4));
    pool.forEach((v, i) => queries.set(v, i * dims));
    return await groundTruthFromArrays(data, spec.size, dims, queries, pool.length, k, threads ?? 0, kernel);
  } finally {
    await threads?.close();
  }
}

/**
 * The search itself, over data already in shared memory (row i holds id i+1). `workers`: a
 * started pool (the caller closes it), a thread count (started and closed here), or ≤ 1 for
 * this thread.
 */
export async function groundTruthFromArrays(
  data: Float32Array,
  rows: number,
  dims: number,
  queries: Float32Array,
  nq: number,
  k: number,
  workers: number | GroundTruthPool = availableParallelism(),
  kernel: TopKKernel = preferredKernel(),
): Promise<GroundTruth> {
  const n = Math.min(typeof workers === 'number' ? workers : workers.size, nq);
  if (n <= 1 || !(data.buffer instanceof SharedArrayBuffer) || !(queries.buffer instanceof SharedArrayBuffer)) {
    return { k, ...runTopKSlice(kernel, data, rows, dims, queries, 0, nq, k, CATEGORY_COUNT) };
  }
  const pool = typeof workers === 'number' ? new GroundTruthPool(n) : workers;
  try {
    const jobs = Array.from({ length: n }, (_, w) => ({
      data: data.buffer as SharedArrayBuffer, queries: queries.buffer as SharedArrayBuffer, rows, dims,
      qFrom: Math.floor((w * nq) / n), qTo: Math.floor(((w + 1) * nq) / n), k, categories: CATEGORY_COUNT, kernel,
    }));
    const parts = await pool.run(jobs);
    return { k, all: parts.flatMap((p) => p.all), byCategory: parts.flatMap((p) => p.byCategory) };
  } finally {
    if (pool !== workers) await pool.close();
  }
}

/** |returned ∩ truth| / |truth| (recall@k with k = truth length). */
export function recallAt(returned: readonly number[], truth: readonly number[]): number {
  if (truth.length === 0) return returned.length === 0 ? 1 : 0;
  const set = new Set(truth);
  let hit = 0;
  for (const id of returned) if (set.has(id)) hit++;
  return hit / truth.length;
}
