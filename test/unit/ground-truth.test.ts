import { describe, expect, it } from 'vitest';
import { computeGroundTruth, recallAt } from '../../lib/workload/ground-truth.js';
import { CATEGORY_COUNT, vectorBatches, type DatasetSpec } from '../../lib/workload/generator.js';
import { queryVectorPool } from '../../lib/workload/params.js';
import { preferredKernel } from '../../lib/workload/top-k-select.js';

const spec: DatasetSpec = { size: 700, dims: 24, seed: 3 };
const pool = queryVectorPool({ seed: 3, dataset_size: 700, vector_dims: 24, k: 5, query_vector_pool: 9 });

/** Brute force: every dot product, full sort (id ascending on ties). */
function bruteForce(k: number) {
  const rows = [...vectorBatches(spec, 1000)].flatMap((b) => Array.from({ length: b.count }, (_, r) => ({ id: b.firstId + r, v: b.data.subarray(r * b.dims, (r + 1) * b.dims) })));
  return pool.map((q) => {
    // float64 accumulation in dimension order: the definition (lib/workload/top-k-candidates.ts).
    const scored = rows.map(({ id, v }) => ({ id, s: v.reduce((acc, x, i) => acc + x * q[i]!, 0) })).sort((a, b) => b.s - a.s || a.id - b.id);
    return {
      all: scored.slice(0, k).map((x) => x.id),
      byCategory: Array.from({ length: CATEGORY_COUNT }, (_, c) => scored.filter((x) => x.id % CATEGORY_COUNT === c).slice(0, k).map((x) => x.id)),
    };
  });
}

describe('exact ground truth', () => {
  for (const kernel of ['wasm-simd', 'js'] as const) {
    it(`equals a brute-force sort, in this thread and in worker threads (${kernel} kernel)`, async () => {
      const expected = bruteForce(5);
      const single = await computeGroundTruth(spec, pool, 5, 0, kernel);
      const parallel = await computeGroundTruth(spec, pool, 5, 2, kernel);
      expect(single.all).toEqual(expected.map((e) => e.all));
      expect(single.byCategory).toEqual(expected.map((e) => e.byCategory));
      expect(parallel).toEqual(single);
    });
  }

  it('uses the WebAssembly SIMD kernel by default where the runtime has it', () => {
    expect(preferredKernel()).toBe('wasm-simd');
  });

  it('recall@k counts the overlap with the truth', () => {
    expect(recallAt([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBe(1);
    expect(recallAt([1, 2, 9, 8, 7], [1, 2, 3, 4, 5])).toBe(0.4);
    expect(recallAt([], [1, 2])).toBe(0);
    expect(recallAt([5, 4, 3, 2, 1].reverse(), [6, 7, 8, 9, 10])).toBe(0);
  });
});
