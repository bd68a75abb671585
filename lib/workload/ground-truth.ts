import { availableParallelism } from 'node:os';
import { CATEGORY_COUNT, vectorBatches, type DatasetSpec } from './generator.js';
import { GroundTruthPool } from './ground-truth-pool.js';
import { preferredKernel, runTopKSlice, type TopKKernel } from './top-k-select.js';
import type { QueryId } from './queries.js';
import type { VectorBatch } from './generator.js';

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
 * Besides the unfiltered top-k, the top-k within each category (id mod CATEGORY_COUNT, or a file's
 * category column: FileCategories) is kept for the filtered kNN query.
 */
export interface GroundTruth {
  k: number;
  /** [queryIndex] → ids, nearest first (by cosine distance; for unit-length data, by every metric). */
  all: number[][];
  /** [queryIndex][category index] → ids, nearest first. */
  byCategory: number[][][];
  /**
   * The category names of byCategory's indices, when they come from a file's column; absent: the
   * generator's, index n = `category_<n>` (categoryIndex() in dataset-metadata.ts maps both).
   */
  categories?: string[];
  /**
   * Datasets whose vectors are not all unit-length (a file's): exact top-k by L2 distance and by
   * inner product, which then order rows differently from cosine. Absent: `all` serves all three.
   */
  l2?: number[][];
  ip?: number[][];
  /** A file dataset with its own neighbour lists: recall of `query` is scored against them. */
  file?: FileTruth;
}

/** The file's neighbour lists as the recall reference of one query, and how they compare with the exact lists. */
export interface FileTruth {
  query: QueryId;
  metric: string;
  lists: number[][];
  /** Lists whose ids (as sets) differ from the exact top-k computed here. */
  disagreeing: number;
  /** Lists compared (those whose ids all lie within the loaded rows). */
  compared: number;
}

/**
 * The reference list of one kNN request: the file's own lists for the query they were made for,
 * else the exact list of the query's metric (within `category` for a filtered kNN).
 */
export function truthList(truth: GroundTruth, query: QueryId, vectorIndex: number, category?: number): number[] {
  if (category !== undefined) return truth.byCategory[vectorIndex]![category]!;
  if (truth.file?.query === query) return truth.file.lists[vectorIndex]!;
  if (query === 'vector_l2' && truth.l2) return truth.l2[vectorIndex]!;
  if (query === 'vector_inner_product' && truth.ip) return truth.ip[vectorIndex]!;
  return truth.all[vectorIndex]!;
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

/** A file's categories: names in index order, and each row's index (row id at [id − 1]). */
export interface FileCategories {
  names: readonly string[];
  rowCategories: Uint16Array;
}

/**
 * The search itself, over data already in shared memory (row i holds id i+1). `workers`: a
 * started pool (the caller closes it), a thread count (started and closed here), or ≤ 1 for
 * this thread. `cats`: a file's categories; absent, the generator's (id mod CATEGORY_COUNT).
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
  cats?: FileCategories,
): Promise<GroundTruth> {
  const n = Math.min(typeof workers === 'number' ? workers : workers.size, nq);
  const categories = cats ? cats.names.length : CATEGORY_COUNT;
  const named = cats ? { categories: [...cats.names] } : {};
  if (n <= 1 || !(data.buffer instanceof SharedArrayBuffer) || !(queries.buffer instanceof SharedArrayBuffer)) {
    return { k, ...runTopKSlice(kernel, data, rows, dims, queries, 0, nq, k, categories, cats?.rowCategories), ...named };
  }
  const pool = typeof workers === 'number' ? new GroundTruthPool(n) : workers;
  try {
    const jobs = Array.from({ length: n }, (_, w) => ({
      data: data.buffer as SharedArrayBuffer, queries: queries.buffer as SharedArrayBuffer, rows, dims,
      qFrom: Math.floor((w * nq) / n), qTo: Math.floor(((w + 1) * nq) / n), k, categories, kernel,
      ...(cats ? { rowCategories: cats.rowCategories } : {}),
    }));
    const parts = await pool.run(jobs);
    return { k, all: parts.flatMap((p) => p.all), byCategory: parts.flatMap((p) => p.byCategory), ...named };
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

/**
 * Exact ground truth of a stream of batches in id order (a file dataset's; the generator's works
 * too). Unit-length data: as computeGroundTruth. Otherwise three searches over the same rows,
 * each one dot-product top-k, so every kernel serves them unchanged:
 *  - inner product: the raw rows and queries;
 *  - L2: argmin ‖x − q‖ = argmax (x·q − ‖x‖²/2), a dot product of the augmented row
 *    [x, −‖x‖²/2] with [q, 1] (twice the memory for that pass);
 *  - cosine (`all`, `byCategory`): rows and queries normalised in float64, stored as float32.
 * `cats`: the file's categories (vector_filter's lists are ranked within them).
 */
export async function computeGroundTruthFrom(
  batches: AsyncIterable<VectorBatch>,
  size: number,
  dims: number,
  pool: readonly Float32Array[],
  k: number,
  unitNorm: boolean,
  workers = availableParallelism(),
  kernel: TopKKernel = preferredKernel(),
  cats?: FileCategories,
): Promise<GroundTruth> {
  const shared = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
  const data = shared(size * dims);
  for await (const b of batches) data.set(b.data, (b.firstId - 1) * dims);
  const queries = shared(pool.length * dims);
  pool.forEach((v, i) => queries.set(v, i * dims));
  const threads = workers > 1 && pool.length > 1 ? new GroundTruthPool(Math.min(workers, pool.length)) : undefined;
  const search = (d: Float32Array, width: number, q: Float32Array) => groundTruthFromArrays(d, size, width, q, pool.length, k, threads ?? 0, kernel, cats);
  try {
    if (unitNorm) return await search(data, dims, queries);
    const ip = (await search(data, dims, queries)).all;
    const w = dims + 1;
    const aug = shared(size * w);
    for (let r = 0; r < size; r++) {
      let s = 0;
      for (let d = 0; d < dims; d++) {
        const x = data[r * dims + d]!;
        aug[r * w + d] = x;
        s += x * x;
      }
      aug[r * w + dims] = -s / 2;
    }
    const augQ = shared(pool.length * w);
    pool.forEach((v, i) => {
      augQ.set(v, i * w);
      augQ[i * w + dims] = 1;
    });
    const l2 = (await search(aug, w, augQ)).all;
    normaliseRows(data, size, dims);
    normaliseRows(queries, pool.length, dims);
    const cos = await search(data, dims, queries);
    return { ...cos, l2, ip };
  } finally {
    await threads?.close();
  }
}

/** In place; a zero row stays zero. */
function normaliseRows(a: Float32Array, rows: number, dims: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = r * dims; d < (r + 1) * dims; d++) s += a[d]! * a[d]!;
    const n = Math.sqrt(s) || 1;
    for (let d = r * dims; d < (r + 1) * dims; d++) a[d] = a[d]! / n;
  }
}

/**
 * Compare a file's neighbour lists with the exact ones of the same metric: a list disagrees when
 * its first k ids, as a set, differ from the exact top-k. Lists naming a row beyond the loaded
 * ones (dataset.limit) are not compared.
 */
export function compareNeighbourLists(fileLists: readonly number[][], exact: readonly number[][], size: number): { disagreeing: number; compared: number } {
  let disagreeing = 0;
  let compared = 0;
  fileLists.forEach((list, i) => {
    if (list.some((id) => id > size)) return;
    compared++;
    const want = new Set(exact[i]!.slice(0, list.length));
    if (list.length !== want.size || list.some((id) => !want.has(id))) disagreeing++;
  });
  return { disagreeing, compared };
}
