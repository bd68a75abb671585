import { topKSlice, type TopKResult } from './top-k.js';
import { simdKernelModule, wasmTopKSlice } from './top-k-wasm.js';

/**
 * Which kernel computes the ground truth. Both return the same ids (the definition in
 * top-k-candidates.ts); 'wasm-simd' is ~10× faster, 'js' is the fallback for runtimes without
 * WebAssembly SIMD and the reference the tests compare against.
 */
export type TopKKernel = 'wasm-simd' | 'js';

export function preferredKernel(): TopKKernel {
  return simdKernelModule() ? 'wasm-simd' : 'js';
}

export function runTopKSlice(
  kernel: TopKKernel,
  data: Float32Array,
  rows: number,
  dims: number,
  queries: Float32Array,
  qFrom: number,
  qTo: number,
  k: number,
  categories: number,
  /** Category index per row (a file's column); absent: id mod categories. */
  rowCategories?: Uint16Array,
): TopKResult {
  const module = kernel === 'wasm-simd' ? simdKernelModule() : null;
  if (kernel === 'wasm-simd' && !module) throw new Error('top-k kernel wasm-simd: this runtime has no WebAssembly SIMD; use the js kernel');
  return module
    ? wasmTopKSlice(module, data, rows, dims, queries, qFrom, qTo, k, categories, {}, rowCategories)
    : topKSlice(data, rows, dims, queries, qFrom, qTo, k, categories, rowCategories);
}
