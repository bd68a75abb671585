import type { BootstrapCI } from '../stats/bootstrap.js';
import { bootstrapCI } from '../stats/bootstrap.js';
import { quantileSorted } from '../stats/quantile.js';

/**
 * The arithmetic of `make bench-client` (scripts/bench-client.ts): figures of one block per
 * client, per-round ratios, and goals judged on the CI of the median over rounds.
 */

/**
 * Lateness (actual start − intended start, ns) of every request that was sent, ascending; with
 * `queued`, only of the requests that found a free session (queued[i] = 0): the dispatcher's own
 * lateness, without the wait for a session.
 */
export function latenessNs(schedule: Float64Array, startNs: Float64Array, queued?: Uint8Array): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < schedule.length; i++) if (!Number.isNaN(startNs[i]!) && !(queued && queued[i] === 1)) out.push(startNs[i]! - schedule[i]!);
  return Float64Array.from(out).sort();
}

/** The p-quantile (type 7) of an ascending array; NaN when empty. */
export function quantileOf(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : quantileSorted(sorted, p);
}

/** Median over rounds of a per-round figure, with a seeded percentile-bootstrap CI (rounds resampled). */
export function medianCI(perRound: readonly number[], seed: number, stream: string): BootstrapCI {
  return bootstrapCI(perRound, (xs) => quantileSorted(xs.sort(), 0.5), { seed, stream, resamples: 2000 });
}

export type GoalVerdict = 'met' | 'not met' | 'inconclusive';

/**
 * A goal "figure ≥ goal" (atLeast) or "figure ≤ goal" judged on the CI of its median over rounds:
 * met when the whole CI is on the right side, not met when the whole CI is on the wrong side,
 * inconclusive when it straddles the goal (more rounds or a quieter machine can decide).
 */
export function goalVerdict(ci: BootstrapCI, goal: number, side: 'atLeast' | 'atMost'): GoalVerdict {
  if (!(ci.low <= ci.high)) return 'inconclusive';
  const [good, bad] = side === 'atLeast' ? [ci.low >= goal, ci.high < goal] : [ci.high <= goal, ci.low > goal];
  return good ? 'met' : bad ? 'not met' : 'inconclusive';
}

/** "0.95 [0.93, 0.97]" with `digits` decimals. */
export function ciText(ci: BootstrapCI, digits = 2, unit = ''): string {
  return `${ci.estimate.toFixed(digits)}${unit} [${ci.low.toFixed(digits)}, ${ci.high.toFixed(digits)}]`;
}

/** pgbench's "tps = 31400.123456 (without initial connection time)" line, or an error naming what it printed. */
export function pgbenchTps(output: string): number {
  const m = /^tps = ([\d.]+) \(without initial connection time\)/m.exec(output);
  if (!m) throw new Error(`bench-client: no "tps = … (without initial connection time)" line in pgbench's output: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  return Number(m[1]);
}
