/**
 * Quantile of an already sorted (ascending) sample — the definition used everywhere in pathbench.
 *
 * Linear interpolation between closest ranks: for n sorted values x[0..n-1] and p in [0, 1],
 * h = (n-1)·p and Q(p) = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). This is numpy's default
 * (`method='linear'`, Hyndman & Fan type 7) and arquero's `op.quantile`, which computes the
 * aggregates in lib/stats/latency-summary.ts. The arithmetic is written exactly as arquero's
 * (`v0 + (v1 - v0) * (h - ⌊h⌋)`), so results agree with the stored aggregates bit for bit;
 * numpy's own lerp may differ from both in the last bit.
 *
 * - n = 0 → NaN; n = 1 → the only value, whatever p.
 * - p is clamped to [0, 1]; p = 0 → the minimum, p = 1 → the maximum; p = NaN → NaN.
 * - `from`, `n`: the quantile of sorted[from, from + n) only (default: the whole array), so a
 *   caller holding many sorted runs in one array needs no view per run.
 * - The input is not checked for order (that would cost O(n) per call inside the bootstrap):
 *   passing an unsorted array gives a meaningless result.
 */
export function quantileSorted(sorted: Float64Array | readonly number[], p: number, from = 0, n = sorted.length - from): number {
  if (n <= 0 || Number.isNaN(p)) return Number.NaN;
  if (n === 1 || p <= 0) return sorted[from]!;
  if (p >= 1) return sorted[from + n - 1]!;
  const h = (n - 1) * p;
  const i0 = Math.floor(h);
  // (n-1)·p can round up to n-1 for p just below 1: that is the maximum.
  if (i0 >= n - 1) return sorted[from + n - 1]!;
  const v0 = sorted[from + i0]!;
  return v0 + (sorted[from + i0 + 1]! - v0) * (h - i0);
}

/** The median (quantileSorted at 0.5) of values in any order; the input is copied, not sorted in place. NaN when empty. */
export function medianOf(values: ArrayLike<number>): number {
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}
