import { describe, expect, it } from 'vitest';
import {
  CATEGORY_COUNT,
  CREATED_AT_EPOCH_MS,
  datasetId,
  metadataFor,
  vectorBatches,
  type DatasetSpec,
} from '../../lib/workload/generator.js';
import { paramSequence, queryVectorPool, type LogicalParam, type WorkloadShape } from '../../lib/workload/params.js';
import { deriveSeed, SeededStream } from '../../lib/workload/prng.js';
import { QUERIES, QUERY_IDS } from '../../lib/workload/queries.js';

/** All rows of a dataset, concatenated in id order. */
function allRows(spec: DatasetSpec, batchSize: number): Float32Array {
  const out = new Float32Array(spec.size * spec.dims);
  let expectedFirst = 1;
  for (const b of vectorBatches(spec, batchSize)) {
    expect(b.firstId).toBe(expectedFirst);
    expect(b.dims).toBe(spec.dims);
    expect(b.data.length).toBe(b.count * spec.dims);
    out.set(b.data, (b.firstId - 1) * spec.dims);
    expectedFirst += b.count;
  }
  expect(expectedFirst - 1).toBe(spec.size);
  return out;
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const spec: DatasetSpec = { size: 60, dims: 16, seed: 42 };

describe('prng', () => {
  it('deriveSeed is a pure function of (seed, stream)', () => {
    expect(deriveSeed(42, 'x')).toBe(deriveSeed(42, 'x'));
    expect(deriveSeed(42, 'x')).not.toBe(deriveSeed(43, 'x'));
    expect(deriveSeed(42, 'x')).not.toBe(deriveSeed(42, 'y'));
    expect(Number.isInteger(deriveSeed(42, 'x'))).toBe(true);
  });

  it('SeededStream.int stays in [lo, hi] and hits both ends', () => {
    const s = new SeededStream(7, 'test');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = s.int(3, 6);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('dataset vectors', () => {
  it('the same spec gives identical bytes on two calls', () => {
    const a = allRows(spec, 1000);
    const b = allRows(spec, 1000);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    // and not a trivial array
    expect(a.some((x) => x !== 0)).toBe(true);
  });

  it('a different seed gives different data', () => {
    const a = allRows(spec, 1000);
    const b = allRows({ ...spec, seed: 43 }, 1000);
    expect(bytes(a).equals(bytes(b))).toBe(false);
    // Not just one component: essentially every component differs.
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBeLessThan(a.length / 100);
  });

  it('every vector is L2-normalised (|norm-1| <= 1e-6) with components in [-1, 1]', () => {
    for (const s of [spec, { size: 20, dims: 1024, seed: 42 }, { size: 50, dims: 2, seed: 9 }]) {
      const data = allRows(s, 1000);
      let min = Infinity;
      let max = -Infinity;
      let worst = 0;
      for (let r = 0; r < s.size; r++) {
        let sq = 0;
        for (let d = 0; d < s.dims; d++) {
          const x = data[r * s.dims + d]!;
          min = Math.min(min, x);
          max = Math.max(max, x);
          sq += x * x;
        }
        worst = Math.max(worst, Math.abs(Math.sqrt(sq) - 1));
      }
      expect(min).toBeGreaterThanOrEqual(-1);
      expect(max).toBeLessThanOrEqual(1);
      expect(worst).toBeLessThanOrEqual(1e-6);
      // Not degenerate: real spread of values.
      expect(max - min).toBeGreaterThan(s.dims === 2 ? 1 : 0.05);
    }
  });

  it('rows are distinct from one another', () => {
    const data = allRows(spec, 1000);
    const rows = new Set<string>();
    for (let r = 0; r < spec.size; r++) rows.add(bytes(data.subarray(r * spec.dims, (r + 1) * spec.dims)).toString('hex'));
    expect(rows.size).toBe(spec.size);
  });

  it('components look uniform-ish: both signs occur and the mean is near 0', () => {
    const data = allRows({ size: 200, dims: 64, seed: 1 }, 1000);
    let pos = 0;
    let sum = 0;
    for (const x of data) {
      if (x > 0) pos++;
      sum += x;
    }
    expect(pos / data.length).toBeGreaterThan(0.45);
    expect(pos / data.length).toBeLessThan(0.55);
    expect(Math.abs(sum / data.length)).toBeLessThan(0.01);
  });

  it('batch size does not change the rows (7 vs 1000 vs 1)', () => {
    const big = allRows(spec, 1000);
    const seven = allRows(spec, 7);
    const one = allRows(spec, 1);
    expect(bytes(seven).equals(bytes(big))).toBe(true);
    expect(bytes(one).equals(bytes(big))).toBe(true);
  });

  it('batches of 7 over 60 rows: 8 full batches and a last one of 4', () => {
    const batches = [...vectorBatches(spec, 7)];
    expect(batches.map((b) => b.count)).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4]);
    expect(batches.map((b) => b.firstId)).toEqual([1, 8, 15, 22, 29, 36, 43, 50, 57]);
  });

  it('a larger dataset starts with the rows of a smaller one (one sequential stream)', () => {
    const small = allRows({ ...spec, size: 10 }, 1000);
    const large = allRows(spec, 1000);
    expect(bytes(large.subarray(0, small.length)).equals(bytes(small))).toBe(true);
  });
});

describe('datasetId', () => {
  it('is stable for equal specs and has the ds-<12 hex> shape', () => {
    const id = datasetId({ size: 10_000, dims: 1024, seed: 42 });
    expect(id).toMatch(/^ds-[0-9a-f]{12}$/);
    expect(datasetId({ seed: 42, dims: 1024, size: 10_000 })).toBe(id);
  });

  it('changes when any field changes', () => {
    const base = { size: 10_000, dims: 1024, seed: 42 };
    const id = datasetId(base);
    const variants = [
      { ...base, size: 10_001 },
      { ...base, dims: 1023 },
      { ...base, seed: 43 },
    ].map(datasetId);
    for (const v of variants) expect(v).not.toBe(id);
    expect(new Set(variants).size).toBe(3);
  });
});

describe('metadataFor', () => {
  it('label, category and created_at follow the documented rules', () => {
    expect(CATEGORY_COUNT).toBe(10);
    expect(CREATED_AT_EPOCH_MS).toBe(Date.parse('2025-01-01T00:00:00Z'));
    expect(metadataFor(1)).toEqual({
      vectorId: 1,
      label: 'vector_1',
      category: 'category_1',
      createdAtMs: Date.parse('2025-01-01T00:00:01Z'),
    });
    // id 10 → 10 mod 10 = 0
    expect(metadataFor(10).category).toBe('category_0');
    // id 123 → category_3, created 123 s after the epoch = 00:02:03
    const m = metadataFor(123);
    expect(m.label).toBe('vector_123');
    expect(m.category).toBe('category_3');
    expect(new Date(m.createdAtMs).toISOString()).toBe('2025-01-01T00:02:03.000Z');
    // id 86,400 → exactly one day later
    expect(new Date(metadataFor(86_400).createdAtMs).toISOString()).toBe('2025-01-02T00:00:00.000Z');
    expect(metadataFor(999_999).category).toBe('category_9');
  });
});

const shape: WorkloadShape = { seed: 42, dataset_size: 500, vector_dims: 16, k: 7, query_vector_pool: 25 };

describe('query vector pool', () => {
  it('is deterministic and has query_vector_pool unit vectors of vector_dims', () => {
    const a = queryVectorPool(shape);
    const b = queryVectorPool(shape);
    expect(a).toHaveLength(25);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!.length).toBe(16);
      expect(bytes(a[i]!).equals(bytes(b[i]!))).toBe(true);
      const norm = Math.sqrt(a[i]!.reduce((s, x) => s + x * x, 0));
      expect(Math.abs(norm - 1)).toBeLessThanOrEqual(1e-6);
    }
    expect(new Set(a.map((v) => bytes(v).toString('hex'))).size).toBe(25);
  });

  it('depends on the seed', () => {
    const a = queryVectorPool(shape);
    const b = queryVectorPool({ ...shape, seed: 43 });
    expect(bytes(a[0]!).equals(bytes(b[0]!))).toBe(false);
  });

  it('never equals a dataset row', () => {
    const pool = queryVectorPool(shape);
    const data = allRows({ size: shape.dataset_size, dims: shape.vector_dims, seed: shape.seed }, 1000);
    const rows = new Set<string>();
    for (let r = 0; r < shape.dataset_size; r++) rows.add(bytes(data.subarray(r * 16, (r + 1) * 16)).toString('hex'));
    for (const v of pool) expect(rows.has(bytes(v).toString('hex'))).toBe(false);
    // In particular, pool vector i is not dataset row i+1 (separate streams).
    expect(bytes(pool[0]!).equals(bytes(data.subarray(0, 16)))).toBe(false);
  });
});

describe('paramSequence', () => {
  const N = 300;

  it('is identical across two calls for every query', () => {
    for (const id of QUERY_IDS) expect(paramSequence(shape, 'measure', id, N)).toEqual(paramSequence(shape, 'measure', id, N));
  });

  it('has one list per iteration with the template\'s arity', () => {
    for (const q of QUERIES) {
      const seq = paramSequence(shape, 'measure', q.id, N);
      expect(seq).toHaveLength(N);
      for (const p of seq) expect(p).toHaveLength(q.params.length);
    }
  });

  it('warmup and measure phases draw different parameters', () => {
    for (const id of ['simple_select_id', 'join', 'vector_cosine', 'vector_filter'] as const) {
      expect(paramSequence(shape, 'warmup', id, N)).not.toEqual(paramSequence(shape, 'measure', id, N));
    }
    expect(paramSequence(shape, 'verify', 'simple_select_id', N)).not.toEqual(paramSequence(shape, 'measure', 'simple_select_id', N));
  });

  it('a different seed draws different parameters', () => {
    expect(paramSequence({ ...shape, seed: 1 }, 'measure', 'simple_select_id', N)).not.toEqual(
      paramSequence(shape, 'measure', 'simple_select_id', N),
    );
  });

  it('a prefix of a longer sequence equals the shorter sequence', () => {
    expect(paramSequence(shape, 'measure', 'vector_filter', 1000).slice(0, N)).toEqual(paramSequence(shape, 'measure', 'vector_filter', N));
  });

  it('row ids are integers in [1, dataset_size] and vary', () => {
    const ids = paramSequence(shape, 'measure', 'simple_select_id', N).map((p) => p[0]);
    for (const id of ids) {
      expect(typeof id).toBe('number');
      expect(Number.isInteger(id)).toBe(true);
      expect(id as number).toBeGreaterThanOrEqual(1);
      expect(id as number).toBeLessThanOrEqual(shape.dataset_size);
    }
    expect(new Set(ids).size).toBeGreaterThan(N / 2);
  });

  it('row ids reach both ends of a tiny dataset', () => {
    const ids = paramSequence({ ...shape, dataset_size: 3 }, 'measure', 'simple_select_id', N).map((p) => p[0]);
    expect(new Set(ids)).toEqual(new Set([1, 2, 3]));
  });

  it('labels are vector_<id> with id in [1, dataset_size]', () => {
    const labels = paramSequence(shape, 'measure', 'join', N).map((p) => p[0]);
    for (const l of labels) {
      const m = /^vector_(\d+)$/.exec(l as string);
      expect(m).not.toBeNull();
      const id = Number(m![1]);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(shape.dataset_size);
    }
    expect(new Set(labels).size).toBeGreaterThan(N / 2);
  });

  it('vector_filter binds (pool vector, category_0..9, k) and varies', () => {
    const seq = paramSequence(shape, 'measure', 'vector_filter', N);
    const cats = new Set<string>();
    const vecs = new Set<number>();
    for (const [v, c, k] of seq as [LogicalParam, LogicalParam, LogicalParam][]) {
      expect(v).toEqual({ vector: expect.any(Number) });
      const idx = (v as { vector: number }).vector;
      expect(Number.isInteger(idx)).toBe(true);
      expect(idx).toBeGreaterThanOrEqual(0);
      expect(idx).toBeLessThan(shape.query_vector_pool);
      vecs.add(idx);
      expect(c).toMatch(/^category_[0-9]$/);
      cats.add(c as string);
      expect(k).toBe(7);
    }
    // 300 draws over 10 categories / 25 pool vectors: all of them should appear.
    expect(cats.size).toBe(10);
    expect(vecs.size).toBe(25);
  });

  it('kNN queries bind k from the config', () => {
    for (const id of ['vector_cosine', 'vector_l2', 'vector_inner_product'] as const) {
      const seq = paramSequence({ ...shape, k: 11 }, 'measure', id, 50);
      for (const p of seq) expect(p[1]).toBe(11);
      expect(new Set(seq.map((p) => (p[0] as { vector: number }).vector)).size).toBeGreaterThan(1);
    }
  });

  it('different queries draw from different streams', () => {
    const cos = paramSequence(shape, 'measure', 'vector_cosine', N).map((p) => (p[0] as { vector: number }).vector);
    const l2 = paramSequence(shape, 'measure', 'vector_l2', N).map((p) => (p[0] as { vector: number }).vector);
    expect(cos).not.toEqual(l2);
  });

  it('parameterless queries get empty lists', () => {
    expect(paramSequence(shape, 'measure', 'simple_count', 3)).toEqual([[], [], []]);
    expect(paramSequence(shape, 'measure', 'simple_select_all', 2)).toEqual([[], []]);
  });
});
