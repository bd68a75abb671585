import { describe, expect, it } from 'vitest';
import { compareNeighbourLists, computeGroundTruthFrom, truthList, type GroundTruth } from '../../lib/workload/ground-truth.js';
import { CATEGORY_COUNT, type VectorBatch } from '../../lib/workload/generator.js';
import { SeededStream } from '../../lib/workload/prng.js';
import { categoryIndex } from '../../lib/workload/dataset-metadata.js';

/** Exact ground truth of vectors that are not unit-length: one list per metric, each checked against a float64 brute force. */

const rows = 400;
const dims = 12;
const k = 7;

function data(): { all: Float32Array; pool: Float32Array[] } {
  const rng = new SeededStream(11, 'metrics');
  // Norms spread over [0.2, 5]: the three metrics then rank rows differently.
  const vec = () => {
    const v = Float32Array.from({ length: dims }, () => rng.symmetric());
    const scale = 0.2 + 4.8 * rng.unit();
    return v.map((x) => Math.fround(x * scale));
  };
  const all = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) all.set(vec(), r * dims);
  return { all, pool: Array.from({ length: 9 }, vec) };
}

function brute(all: Float32Array, q: Float32Array, score: (x: Float32Array, q: Float32Array) => number, category?: number): number[] {
  const ids = Array.from({ length: rows }, (_, i) => i + 1).filter((id) => category === undefined || id % CATEGORY_COUNT === category);
  const s = new Map(ids.map((id) => [id, score(all.subarray((id - 1) * dims, id * dims), q)]));
  return ids.sort((a, b) => s.get(b)! - s.get(a)! || a - b).slice(0, k);
}
const dot = (x: Float32Array, q: Float32Array) => x.reduce((s, v, i) => s + v * q[i]!, 0);
const norm = (x: Float32Array) => Math.sqrt(dot(x, x));
const negL2 = (x: Float32Array, q: Float32Array) => -x.reduce((s, v, i) => s + (v - q[i]!) ** 2, 0);
const cosine = (x: Float32Array, q: Float32Array) => dot(x, q) / (norm(x) * norm(q));

async function* batches(all: Float32Array): AsyncGenerator<VectorBatch> {
  for (let first = 1; first <= rows; first += 100) yield { firstId: first, count: 100, dims, data: all.slice((first - 1) * dims, (first + 99) * dims) };
}

describe('ground truth of vectors that are not unit-length', () => {
  it('L2, inner product and cosine each match a float64 brute force, and differ from one another', async () => {
    const { all, pool } = data();
    for (const workers of [0, 2]) {
      const gt = await computeGroundTruthFrom(batches(all), rows, dims, pool, k, false, workers, 'js');
      pool.forEach((q, i) => {
        expect(gt.ip![i]).toEqual(brute(all, q, dot));
        expect(gt.l2![i]).toEqual(brute(all, q, negL2));
        expect(gt.all[i]).toEqual(brute(all, q, cosine));
        expect(gt.byCategory[i]![3]).toEqual(brute(all, q, cosine, 3));
      });
      expect(gt.ip).not.toEqual(gt.l2);
      expect(gt.all).not.toEqual(gt.ip);
    }
    const wasm = await computeGroundTruthFrom(batches(all), rows, dims, pool, k, false, 0);
    pool.forEach((q, i) => expect(wasm.l2![i]).toEqual(brute(all, q, negL2)));
  });

  it('unit-length data: one list for every metric, as before', async () => {
    const { all, pool } = data();
    for (let r = 0; r < rows; r++) {
      const v = all.subarray(r * dims, (r + 1) * dims);
      const n = norm(v);
      for (let d = 0; d < dims; d++) v[d] = v[d]! / n;
    }
    const gt = await computeGroundTruthFrom(batches(all), rows, dims, pool, k, true, 0, 'js');
    expect(gt.l2).toBeUndefined();
    expect(gt.ip).toBeUndefined();
    expect(gt.all[0]).toEqual(brute(all, pool[0]!, dot));
  });

  it('truthList routes each query to its reference; the file lists score only the query of their metric', () => {
    const gt: GroundTruth = { k: 2, all: [[1, 2]], byCategory: [[[10, 20], [11, 21]]], l2: [[3, 4]], ip: [[5, 6]], file: { query: 'vector_l2', metric: 'euclidean', lists: [[7, 8]], disagreeing: 0, compared: 1 } };
    expect(truthList(gt, 'vector_cosine', 0)).toEqual([1, 2]);
    expect(truthList(gt, 'vector_l2', 0)).toEqual([7, 8]);
    expect(truthList(gt, 'vector_inner_product', 0)).toEqual([5, 6]);
    expect(truthList(gt, 'vector_filter', 0, categoryIndex(undefined, 'category_11'))).toEqual([11, 21]);
    // A file's categories: the parameter's position among the names the ground truth carries.
    expect(truthList({ ...gt, categories: ['red', 'blue'] }, 'vector_filter', 0, categoryIndex(['red', 'blue'], 'blue'))).toEqual([11, 21]);
    expect(() => categoryIndex(['red', 'blue'], 'green')).toThrow(/category "green" is not among the dataset's 2 categories/);
    expect(truthList({ ...gt, file: undefined }, 'vector_l2', 0)).toEqual([3, 4]);
  });

  it('compareNeighbourLists counts lists whose id sets differ, skipping lists that name rows beyond those loaded', () => {
    const exact = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
    expect(compareNeighbourLists([[3, 2, 1], [4, 5, 60], [7, 8, 9]], exact, 100)).toEqual({ disagreeing: 1, compared: 3 });
    expect(compareNeighbourLists([[3, 2, 1], [4, 5, 60], [7, 8, 9]], exact, 10)).toEqual({ disagreeing: 0, compared: 2 });
  });
});
