import { describe, expect, it } from 'vitest';
import { datasetId, vectorBatches, type DatasetSpec } from '../../lib/workload/generator.js';
import { queryVectorPool } from '../../lib/workload/params.js';

const clustered: DatasetSpec = { size: 400, dims: 64, seed: 5, distribution: { kind: 'clustered', clusters: 4, spread: 0.3 } };
const all = (spec: DatasetSpec) => [...vectorBatches(spec, 100)].flatMap((b) => Array.from({ length: b.count }, (_, r) => b.data.subarray(r * b.dims, (r + 1) * b.dims)));
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('clustered distribution', () => {
  it('is deterministic, unit length, and has its own dataset id', () => {
    const a = all(clustered);
    const b = all(clustered);
    expect(a.map((v) => Array.from(v))).toEqual(b.map((v) => Array.from(v)));
    for (const v of a) expect(Math.abs(Math.sqrt(dot(v, v)) - 1)).toBeLessThan(1e-5);
    expect(datasetId(clustered)).not.toBe(datasetId({ ...clustered, distribution: undefined }));
    expect(datasetId({ ...clustered, distribution: { kind: 'clustered', clusters: 5, spread: 0.3 } })).not.toBe(datasetId(clustered));
  });

  it('puts vectors near a few centres: each vector is far more similar to some others than uniform vectors are', () => {
    const c = all(clustered);
    const u = all({ ...clustered, distribution: { kind: 'uniform' } });
    // Mean of each vector's best cosine to the next 50 vectors: high within clusters, ~0.3 for uniform noise in 64-d.
    const bestNeighbour = (vs: Float32Array[]) => vs.slice(0, 50).reduce((s, v, i) => s + Math.max(...vs.slice(50, 150).filter((_, j) => j !== i).map((w) => dot(v, w))), 0) / 50;
    expect(bestNeighbour(c)).toBeGreaterThan(0.8);
    expect(bestNeighbour(u)).toBeLessThan(0.5);
  });

  it('draws query vectors from the same mixture', () => {
    const pool = queryVectorPool({ seed: 5, dataset_size: 400, vector_dims: 64, k: 5, query_vector_pool: 20, distribution: clustered.distribution });
    const data = all(clustered);
    const best = pool.map((q) => Math.max(...data.map((v) => dot(q, v))));
    expect(Math.min(...best)).toBeGreaterThan(0.8);
  });
});
