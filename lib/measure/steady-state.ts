import { quantileSorted } from '../stats/quantile.js';

/**
 * The steady-state rule of warmup: a query on a target is warm when the medians of its last two
 * successive windows of `window` latencies differ by at most `tolerance` (a fraction: 0.03 = 3%)
 * of the earlier one. Pure: no clock, no I/O — the caller feeds latencies it timed.
 */
export interface SteadyCheck {
  converged: boolean;
  /** (median of the last window − median of the one before) ÷ the one before; null until two windows exist. */
  change: number | null;
}

function median(xs: readonly number[], from: number, n: number): number {
  return quantileSorted(xs.slice(from, from + n).sort((a, b) => a - b), 0.5);
}

/** Checks the last 2 × window values of `latencies` (any one unit). */
export function steadyCheck(latencies: readonly number[], window: number, tolerance: number): SteadyCheck {
  if (latencies.length < 2 * window) return { converged: false, change: null };
  const end = latencies.length;
  const before = median(latencies, end - 2 * window, window);
  const last = median(latencies, end - window, window);
  const change = before > 0 ? (last - before) / before : last === 0 ? 0 : Infinity;
  return { converged: Math.abs(change) <= tolerance, change };
}
