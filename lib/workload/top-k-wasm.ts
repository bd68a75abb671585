import { readFileSync } from 'node:fs';
import { CandidateList, float32DotErrorFactor, normUpperBound } from './top-k-candidates.js';
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
 * small (≈ 17 MiB at most) whatever the dataset size.
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
  scores(q: number, qTiles: number, x: number, rowPairs: number, dims: number, out: number, stride: number): void;
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
): TopKResult {
  const nq = qTo - qFrom;
  const D = ceilTo(dims, 4); // zero-padded lanes add exactly 0
  const rowBytes = D * 4;
  const chunkRows = Math.min(MAX_CHUNK_ROWS, Math.max(ROW_TILE, Math.floor(ROW_CHUNK_BYTES / rowBytes / ROW_TILE) * ROW_TILE));
  const blockQueries = Math.min(ceilTo(nq, QUERY_TILE), Math.max(QUERY_TILE, Math.floor(QUERY_BLOCK_BYTES / rowBytes / QUERY_TILE) * QUERY_TILE));
  const qPtr = 0;
  const xPtr = qPtr + blockQueries * rowBytes;
  const outPtr = xPtr + chunkRows * rowBytes;
  const bytes = outPtr + blockQueries * chunkRows * 4;

  const kernel = new WebAssembly.Instance(module).exports as unknown as KernelExports;
  kernel.memory.grow(Math.ceil(bytes / 65536));
  const mem = new Float32Array(kernel.memory.buffer);
  const packed = mem.subarray(qPtr / 4, xPtr / 4);
  const chunk = mem.subarray(xPtr / 4, outPtr / 4);
  const out = mem.subarray(outPtr / 4, bytes / 4);

  const errPerNorm = float32DotErrorFactor(D);
  const lists = 1 + categories; // list 0: all rows; list 1 + c: rows of category c
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
    const cands = Array.from({ length: nb * lists }, () => new CandidateList(k));
    const threshold = new Float64Array(nb * lists).fill(Number.NEGATIVE_INFINITY);
    const minThreshold = new Float64Array(nb).fill(Number.NEGATIVE_INFINITY);
    const margin = new Float64Array(nb);
    const setMargins = () => {
      for (let i = 0; i < nb; i++) {
        margin[i] = 2 * errPerNorm * qNorm[i]! * maxNorm;
        let m = Number.POSITIVE_INFINITY;
        for (let l = 0; l < lists; l++) {
          const t = (threshold[i * lists + l] = cands[i * lists + l]!.kth - margin[i]!);
          m = Math.min(m, t);
        }
        minThreshold[i] = m;
      }
    };
    const admit = (i: number, l: number, id: number, s: number) => {
      const c = cands[i * lists + l]!;
      if (c.push(id, s)) {
        threshold[i * lists + l] = c.compact(margin[i]!);
        let m = Number.POSITIVE_INFINITY;
        for (let j = 0; j < lists; j++) m = Math.min(m, threshold[i * lists + j]!);
        minThreshold[i] = m;
      }
    };

    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const count = Math.min(chunkRows, rows - r0);
      if (D === dims) chunk.set(data.subarray(r0 * dims, (r0 + count) * dims));
      else for (let r = 0; r < count; r++) chunk.set(data.subarray((r0 + r) * dims, (r0 + r + 1) * dims), r * D);
      const norm = normUpperBound(kernel.maxSumSq(xPtr, count, D), D);
      if (norm > maxNorm) {
        maxNorm = norm;
        setMargins();
      }
      // An odd count scores one stale row slot too; it is never read below.
      kernel.scores(qPtr, Math.ceil(nb / QUERY_TILE), xPtr, Math.ceil(count / ROW_TILE), D, outPtr, chunkRows);
      for (let i = 0; i < nb; i++) {
        const o = i * chunkRows;
        for (let r = 0; r < count; r++) {
          const s = out[o + r]!;
          if (s < minThreshold[i]!) continue; // almost every score ends here
          const id = r0 + r + 1;
          if (s >= threshold[i * lists]!) admit(i, 0, id, s);
          const l = 1 + (id % categories);
          if (s >= threshold[i * lists + l]!) admit(i, l, id, s);
        }
      }
    }

    for (let i = 0; i < nb; i++) {
      const finish = (l: number) => cands[i * lists + l]!.finish(margin[i]!, data, dims, queries, (b0 + i) * dims);
      all.push(finish(0));
      byCategory.push(Array.from({ length: categories }, (_, c) => finish(1 + c)));
    }
  }
  return { all, byCategory };
}
