import { describe, expect, it } from 'vitest';
import { VectorSource, type Distribution } from '../../lib/workload/generator.js';
import { topKSlice, type TopKResult } from '../../lib/workload/top-k.js';
import { dotF64 } from '../../lib/workload/top-k-candidates.js';
import { simdKernelModule, wasmTopKSlice, type KernelTuning } from '../../lib/workload/top-k-wasm.js';

const CATS = 10;

/**
 * The definition, written independently of every kernel: all rows scored with dotF64 (float64,
 * dimension order), fully sorted by score descending then id ascending.
 */
function reference(data: Float32Array, rows: number, dims: number, queries: Float32Array, nq: number, k: number, rowCats?: Uint16Array, cats = CATS): TopKResult {
  const catOf = (id: number) => (rowCats ? rowCats[id - 1]! : id % CATS);
  const all: number[][] = [];
  const byCategory: number[][][] = [];
  for (let q = 0; q < nq; q++) {
    const scored = Array.from({ length: rows }, (_, r) => ({ id: r + 1, s: dotF64(queries, q * dims, data, r * dims, dims) })).sort((a, b) => b.s - a.s || a.id - b.id);
    all.push(scored.slice(0, k).map((x) => x.id));
    byCategory.push(Array.from({ length: cats }, (_, c) => scored.filter((x) => catOf(x.id) === c).slice(0, k).map((x) => x.id)));
  }
  return { all, byCategory };
}

function vectors(n: number, dims: number, stream: string, distribution: Distribution): Float32Array {
  const a = new Float32Array(n * dims);
  const src = new VectorSource(7, stream, dims, distribution);
  for (let i = 0; i < n; i++) src.next(a, i * dims);
  return a;
}

const module = simdKernelModule();
// Tiny chunks and blocks: small data then crosses several row chunks and query blocks.
const SMALL: KernelTuning = { rowChunkBytes: 1, queryBlockBytes: 1 };

describe('WebAssembly SIMD top-k kernel', () => {
  it('ranks within a file\'s categories (a category index per row) exactly as the reference, JS kernel too', () => {
    const rows = 403;
    const dims = 24;
    const nq = 6;
    const k = 9;
    // Three categories of very different sizes (one smaller than k), in no relation to the id.
    const rowCats = Uint16Array.from({ length: rows }, (_, r) => ((r * 7919) % 13 === 0 ? 2 : (r * 31) % 5 < 2 ? 1 : 0));
    const data = vectors(rows, dims, 'rows', { kind: 'uniform' });
    const queries = vectors(nq, dims, 'queries', { kind: 'uniform' });
    const expected = reference(data, rows, dims, queries, nq, k, rowCats, 3);
    expect(expected.byCategory[0]![2]!.length).toBeLessThanOrEqual(k);
    expect(wasmTopKSlice(module!, data, rows, dims, queries, 0, nq, k, 3, SMALL, rowCats)).toEqual(expected);
    expect(wasmTopKSlice(module!, data, rows, dims, queries, 0, nq, k, 3, {}, rowCats)).toEqual(expected);
    expect(topKSlice(data, rows, dims, queries, 0, nq, k, 3, rowCats)).toEqual(expected);
  });

  it('is available in this runtime (Node 20 has WebAssembly SIMD)', () => {
    expect(module).not.toBeNull();
  });

  const tight: Distribution = { kind: 'clustered', clusters: 3, spread: 0.05 };
  const cases = [
    // rows, dims, queries, k, distribution, tuning
    [301, 1, 5, 7, { kind: 'uniform' }, {}],
    [257, 3, 9, 5, { kind: 'uniform' }, SMALL],
    [500, 4, 4, 10, tight, {}],
    [333, 37, 7, 12, tight, SMALL],
    [1001, 130, 6, 10, { kind: 'uniform' }, {}],
    [199, 128, 11, 60, tight, SMALL], // k > rows per category, k > rows per chunk
    [97, 1024, 5, 10, tight, { rowChunkBytes: 16 * 1024 }],
    [40, 16, 3, 50, { kind: 'uniform' }, {}], // k > rows
  ] as const;
  for (const [rows, dims, nq, k, dist, tuning] of cases) {
    it(`equals the float64 reference: ${rows} rows × ${dims} dims, ${nq} queries, k ${k}, ${dist.kind}${tuning === SMALL ? ', many chunks/blocks' : ''}`, () => {
      const data = vectors(rows, dims, 'rows', dist);
      const queries = vectors(nq, dims, 'queries', dist);
      const expected = reference(data, rows, dims, queries, nq, k);
      expect(wasmTopKSlice(module!, data, rows, dims, queries, 0, nq, k, CATS, tuning)).toEqual(expected);
      // The JS kernel (fallback) computes the same definition.
      expect(topKSlice(data, rows, dims, queries, 0, nq, k, CATS)).toEqual(expected);
    });
  }

  it('a slice of the query pool answers for exactly those queries', () => {
    const [rows, dims, nq, k] = [300, 20, 10, 5];
    const data = vectors(rows, dims, 'rows', { kind: 'uniform' });
    const queries = vectors(nq, dims, 'queries', { kind: 'uniform' });
    const full = reference(data, rows, dims, queries, nq, k);
    const part = wasmTopKSlice(module!, data, rows, dims, queries, 3, 8, k, CATS, SMALL);
    expect(part).toEqual({ all: full.all.slice(3, 8), byCategory: full.byCategory.slice(3, 8) });
  });

  /**
   * Near-ties: 400 copies of one vector, each nudged by ~1e-7 (float64 scores then differ by
   * ~1e-8, below float32's rounding of a 256-term sum), and exact duplicates (equal scores: lower
   * id first). Without the error margin the float32 filter keeps the wrong rows — asserted, so
   * this fixture really tests the margin — and with it the answer is exact.
   */
  it('orders near-ties and exact ties by the float64 definition, which float32 alone gets wrong', () => {
    const dims = 256;
    const rows = 400;
    const base = vectors(1, dims, 'base', { kind: 'uniform' });
    const noise = vectors(rows, dims, 'noise', { kind: 'uniform' });
    const data = new Float32Array(rows * dims);
    for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) data[r * dims + d] = base[d]! + 3e-7 * noise[r * dims + d]!;
    for (let r = 300; r < 320; r++) data.copyWithin(r * dims, (r - 300) * dims, (r - 299) * dims); // ids 301–320 duplicate 1–20
    const nq = 8;
    const queries = new Float32Array(nq * dims);
    const qNoise = vectors(nq, dims, 'q-noise', { kind: 'uniform' });
    for (let i = 0; i < nq * dims; i++) queries[i] = base[i % dims]! + 0.01 * qNoise[i]!;
    const k = 10;
    const expected = reference(data, rows, dims, queries, nq, k);

    expect(wasmTopKSlice(module!, data, rows, dims, queries, 0, nq, k, CATS)).toEqual(expected);
    expect(topKSlice(data, rows, dims, queries, 0, nq, k, CATS)).toEqual(expected);
    expect(wasmTopKSlice(module!, data, rows, dims, queries, 0, nq, k, CATS, { errorFactor: 0 })).not.toEqual(expected);
  });
});
