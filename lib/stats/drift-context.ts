import type { LatencyGroups } from './latency-groups.js';
import { medianOf } from './quantile.js';

/**
 * What a drift flag's reader needs to tell a trend from a stretch that came and went, and the
 * query's own change from the run's: two measured descriptions added to every drift and machine
 * drift detail (lib/stats/noise.ts). Neither changes a flag's kind.
 *
 * Why: a first-versus-last-quarter test cannot tell a query that kept getting faster from one whose
 * first quarter fell in a slow stretch of the run. Measured on a fresh `make all` of
 * config/embedded.yaml (quiet VM, speed probe steady, 1.07× between quarters): pglite-wire
 * simple_select_id was flagged −11%, and by tenth it ran 1.12 1.10 0.94 0.89 0.92 1.13 1.04 0.95
 * 0.97 1.04 × its median — the first quarter's level came back in the sixth tenth, so not a
 * warming; every other query, the 45–97 ms exact scans included, was slower in the same two
 * stretches (docs/methodology.md, cause 6).
 */

/** Tenths need at least this many latencies each to be given (as a quarter needs 8 for a flag). */
export const MIN_PER_TENTH = 4;
/** A stretch of another pair needs this many requests in each quarter's time span to be compared. */
export const MIN_IN_STRETCH = 8;

/**
 * The series' median by tenth of its latencies (in iteration order), each divided by the median of
 * the whole series: "1.12 1.10 0.94 …". Tenth k holds latencies [floor(k·n/10), floor((k+1)·n/10)).
 * Null when a tenth would hold fewer than MIN_PER_TENTH.
 */
export function tenthsOfMedian(series: Float64Array): number[] | null {
  const n = series.length;
  if (Math.floor(n / 10) < MIN_PER_TENTH) return null;
  const whole = medianOf(series);
  if (!(whole > 0)) return null;
  const out: number[] = [];
  for (let k = 0; k < 10; k++) out.push(medianOf(series.subarray(Math.floor((k * n) / 10), Math.floor(((k + 1) * n) / 10))) / whole);
  return out;
}

/** "by tenth of its requests, median ÷ its median: 1.12 1.10 …", or '' when the series is too short. */
export function tenthsText(series: Float64Array): string {
  const t = tenthsOfMedian(series);
  return t ? `by tenth of its requests, median ÷ its median: ${t.map((x) => x.toFixed(2)).join(' ')}` : '';
}

/** How one other target × query changed between two spans of the phase clock. */
export interface StretchChange {
  target: string;
  query_id: string;
  /** its requests started in the first span, and in the second */
  n1: number;
  n4: number;
  /** median of its requests started in the second span ÷ in the first, minus 1 */
  change: number;
}

/**
 * Every other target × query of `pairs` (not `target` × `queryId` itself) with at least
 * MIN_IN_STRETCH successful requests started within each of the two spans [from1, to1] and
 * [from4, to4] (ns on the phase clock, inclusive): the change of its median from the first span to
 * the second. These are the flagged query's first and last quarter in time, so a change common to
 * the whole run shows in every pair, one of the query's own only in it.
 */
export function changesOverStretches(
  groups: LatencyGroups, pairs: readonly { target: string; query_id: string }[], target: string, queryId: string,
  from1: number, to1: number, from4: number, to4: number,
): StretchChange[] {
  const out: StretchChange[] = [];
  for (const p of pairs) {
    if (p.target === target && p.query_id === queryId) continue;
    const xs = groups.series(p.target, p.query_id);
    const starts = groups.seriesStarts(p.target, p.query_id);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const s = starts[i]!;
      if (s >= from1 && s <= to1) a.push(xs[i]!);
      else if (s >= from4 && s <= to4) b.push(xs[i]!);
    }
    if (a.length < MIN_IN_STRETCH || b.length < MIN_IN_STRETCH) continue;
    out.push({ target: p.target, query_id: p.query_id, n1: a.length, n4: b.length, change: medianOf(b) / medianOf(a) - 1 });
  }
  return out;
}

/**
 * "over the same two stretches the other 15 target × query pairs moved −9% to +1% (median −5%; 14
 * of 15 the same way as this one)", or '' when none could be compared. `change` is the flagged
 * query's own (its sign decides "the same way"; a pair at exactly 0% is not the same way).
 */
export function stretchChangesText(changes: readonly StretchChange[], change: number, pct: (x: number) => string): string {
  if (changes.length === 0) return '';
  const c = changes.map((x) => x.change).sort((a, b) => a - b);
  const same = c.filter((x) => Math.sign(x) === Math.sign(change) && x !== 0).length;
  const n = c.length;
  const range = n === 1 ? pct(c[0]!) : `${pct(c[0]!)} to ${pct(c[n - 1]!)} (median ${pct(medianOf(c))}`;
  return `over the same two stretches the other ${n} target × query pair${n === 1 ? '' : 's'} moved ${range}${n === 1 ? ' (' : '; '}${same} of ${n} the same way as this one)`;
}
