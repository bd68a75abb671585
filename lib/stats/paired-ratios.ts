import { bootstrapCI, type BootstrapCI } from './bootstrap.js';
import { quantileSorted } from './quantile.js';

/**
 * Paired-block comparison of two loops (make bench-harness): each pair holds one block of loop A
 * and one of loop B run back to back, so machine drift between pairs cancels in the per-pair
 * ratio A/B. The summary is the median of those ratios with a seeded percentile-bootstrap CI
 * (pairs resampled with replacement): the CI is what a reader needs to tell an overhead from the
 * noise of a shared machine.
 */
export interface RatioSummary {
  /** Number of pairs. */
  n: number;
  /** Median of the per-pair ratios, with its bootstrap CI (estimate = the median). */
  ci: BootstrapCI;
}

const median = (xs: Float64Array): number => quantileSorted(xs.sort(), 0.5);

/** Per-pair ratios a[i] / b[i]. Throws on length mismatch (a pairing bug, never data). */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`pairRatios: ${a.length} values of A but ${b.length} of B`);
  return a.map((x, i) => x / b[i]!);
}

/** Median of the ratios and its CI; seed/stream as in lib/stats/bootstrap.ts. */
export function summarizeRatios(ratios: readonly number[], seed: number, stream: string, resamples = 2000): RatioSummary {
  return { n: ratios.length, ci: bootstrapCI(ratios, median, { seed, stream, resamples }) };
}

export type Verdict = 'met' | 'not met' | 'inconclusive';

/**
 * Goal "A adds less than `goal` (a fraction, 0.05 = 5 %)" judged on the CI of an overhead ratio
 * (A/B for latency, B/A for throughput, so that > 1 always means A is worse):
 * met when the whole CI is below 1 + goal, not met when the whole CI is above it, inconclusive
 * when the CI straddles it (more pairs or a quieter machine can decide).
 */
export function overheadVerdict(ci: BootstrapCI, goal: number): Verdict {
  if (!(ci.low <= ci.high)) return 'inconclusive';
  if (ci.high < 1 + goal) return 'met';
  if (ci.low > 1 + goal) return 'not met';
  return 'inconclusive';
}

/** Whether the CI excludes "no difference" (ratio 1). */
export function distinguishableFromNone(ci: BootstrapCI): boolean {
  return ci.low > 1 || ci.high < 1;
}

/** Both verdicts must be met for the whole goal to be met; any "not met" decides against it. */
export function combineVerdicts(vs: readonly Verdict[]): Verdict {
  if (vs.includes('not met')) return 'not met';
  return vs.every((v) => v === 'met') ? 'met' : 'inconclusive';
}
