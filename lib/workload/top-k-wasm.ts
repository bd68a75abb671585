import { readFileSync } from 'node:fs';
import { CandidateBlock } from './top-k-candidate-block.js';
import { float32DotErrorFactor, normUpperBound } from './top-k-candidates.js';
import type { TopKResult } from './top-k.js';

/**
 * The same contract as topKSlice() (top-k.ts) — same ids, same order, by the definition in
 * top-k-candidates.ts — computed with the WebAssembly SIMD kernel (top-k-kernel.wat) as a float32
 * filter plus a float64 rescoring of the few candidates that survive it.
 *
 * Blocking: queries are packed into the kernel's 4-query tiles, at most QUERY_BLOCK_BYTES of them
 * at a time (one pass over the rows per block: one block at the sizes used here); rows are copied
 * from the caller's (shared) array into the instance's memory ROW_CHUNK_BYTES at a time, so the
 * chunk stays in L2 while every query tile streams past it. The instance memory therefore stays
 * small (≈ 33 MiB at most) whatever the dataset and pool sizes.
 */
const QUERY_TILE = 4;
const ROW_TILE = 2;
/** ~192 KiB of rows per chunk: well inside a 512 KiB L2 next to a 16 KiB query tile. */
const ROW_CHUNK_BYTES = 192 * 1024;
const MAX_CHUNK_ROWS = 512;
/** Query tiles per pass; 16 MiB keeps them in a shared L3 and bounds instance memory. */
const QUERY_BLOCK_BYTES = 16 * 1024 * 1024;

interface KernelExports {
  memory: WebAssembly.Memory;
  scores(q: number, qTiles: number, x: number, rowPairs: number, dims: number, thr: number, hits: number): number;
  maxSumSq(x: number, count: number, dims: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled kernel, or null when this runtime cannot run WebAssembly SIMD (validate() is false
 * for a module using v128 there); callers then use the plain-JS kernel. Compiled once per thread.
 */
export function simdKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = readFileSync(new URL('./top-k-kernel.wasm', import.meta.url));
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/**
 * Tests only: small chunk and block sizes make small data cross several of each; errorFactor 0
 * (no margin) shows the error bound is what keeps near-ties exact.
 */
export interface KernelTuning {
  rowChunkBytes?: number;
  queryBlockBytes?: number;
  errorFactor?: number;
}

const ceilTo = (n: number, m: number) => Math.ceil(n / m) * m;

export function wasmTopKSlice(
  module: WebAssembly.Module,
  data: Float32Array,
  rows: number,
  dims: number,
  queries: Float32Array,
  qFrom: number,
  qTo: number,
  k: number,
  categories: number,
  tuning: KernelTuning = {},
  rowCategories?: Uint16Array,
): TopKResult {
  const nq = qTo - qFrom;
  const rowChunkBytes = tuning.rowChunkBytes ?? ROW_CHUNK_BYTES;
  const queryBlockBytes = tuning.queryBlockBytes ?? QUERY_BLOCK_BYTES;
  const D = ceilTo(dims, 4); // zero-padded lanes add exactly 0
  const rowBytes = D * 4;
  const chunkRows = Math.min(MAX_CHUNK_ROWS, Math.max(ROW_TILE, Math.floor(rowChunkBytes / rowBytes / ROW_TILE) * ROW_TILE));
  // Queries per block: their packed vectors within queryBlockBytes, and the hit buffer (room for
  // every score of the block × chunk: all are hits while thresholds are still −∞) within it too.
  const blockQueries = Math.min(
    ceilTo(nq, QUERY_TILE),
    Math.max(QUERY_TILE, Math.floor(Math.min(queryBlockBytes / rowBytes, queryBlockBytes / (chunkRows * 12)) / QUERY_TILE) * QUERY_TILE),
  );
  const qPtr = 0;
  const xPtr = qPtr + blockQueries * rowBytes;
  const thrPtr = xPtr + chunkRows * rowBytes;
  const hitsPtr = thrPtr + blockQueries * 4;
  const bytes = hitsPtr + blockQueries * chunkRows * 12; // every score can be a hit (first chunk)

  const kernel = new WebAssembly.Instance(module).exports as unknown as KernelExports;
  kernel.memory.grow(Math.ceil(bytes / 65536));
  const mem = new Float32Array(kernel.memory.buffer);
  const packed = mem.subarray(qPtr / 4, xPtr / 4);
  const chunk = mem.subarray(xPtr / 4, thrPtr / 4);
  const threshold32 = mem.subarray(thrPtr / 4, hitsPtr / 4);
  const hitFloats = mem.subarray(hitsPtr / 4, bytes / 4);
  const hitInts = new Int32Array(kernel.memory.buffer, hitsPtr, (bytes - hitsPtr) / 4);

  const errPerNorm = tuning.errorFactor ?? float32DotErrorFactor(D);
  let maxNorm = 0;
  const all: number[][] = [];
  const byCategory: number[][][] = [];

  for (let b0 = qFrom; b0 < qTo; b0 += blockQueries) {
    const nb = Math.min(blockQueries, qTo - b0);
    // Pack: tile t, 4-dim step j, query i of the tile, lane l.
    packed.fill(0);
    for (let i = 0; i < nb; i++) {
      const t = i >> 2;
      const src = (b0 + i) * dims;
      for (let d = 0; d < dims; d++) packed[(t * (D >> 2) + (d >> 2)) * 16 + (i & 3) * 4 + (d & 3)] = queries[src + d]!;
    }
    const qNorm = new Float64Array(nb);
    for (let i = 0; i < nb; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += queries[(b0 + i) * dims + d]! ** 2;
      qNorm[i] = Math.sqrt(s);
    }
    let blockNorm = -1; // the maxNorm this block's margins were last set with
    threshold32.fill(Number.POSITIVE_INFINITY); // padding queries of the last tile never hit
    const block = new CandidateBlock(nb, k, categories, qNorm, errPerNorm, threshold32, rowCategories);

    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const count = Math.min(chunkRows, rows - r0);
      if (D === dims) chunk.set(data.subarray(r0 * dims, (r0 + count) * dims));
      else for (let r = 0; r < count; r++) chunk.set(data.subarray((r0 + r) * dims, (r0 + r + 1) * dims), r * D);
      const norm = normUpperBound(kernel.maxSumSq(xPtr, count, D), D);
      if (norm > maxNorm) maxNorm = norm;
      if (maxNorm > blockNorm) block.setMaxRowNorm((blockNorm = maxNorm));
      // An odd count scores one stale row slot too; offerHits skips it.
      const hits = kernel.scores(qPtr, Math.ceil(nb / QUERY_TILE), xPtr, Math.ceil(count / ROW_TILE), D, thrPtr, hitsPtr);
      block.offerHits(hitInts, hitFloats, hits, count, r0 + 1);
    }
    const part = block.finish(data, dims, queries, b0);
    all.push(...part.all);
    byCategory.push(...part.byCategory);
  }
  return { all, byCategory };
}
