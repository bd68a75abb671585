import type { AggregateLevel, ComparisonRow, OverheadRow } from '../store/aggregates.js';

/**
 * A category's or all queries' comparison made query by query (lib/stats/bootstrap.ts
 * scopeOfMediansCI), as the report shows it beside the pooled figures: the pairwise table, the
 * gateway-overhead table and results.json. The answer (lib/render/the-answer.ts) judges such a
 * scope on these figures.
 */
export interface ByQuery {
  queries: number;
  /** Geometric mean of the queries' p50 ratios a/b, with its CI. */
  ratio: number;
  low: number;
  high: number;
  /** Mean of the queries' p50 differences a − b (ms), with its CI. */
  diff: number;
  diffLow: number;
  diffHigh: number;
}

/** A comparison row's query-by-query figures when it has them complete; null otherwise (query rows, one-query scopes, runs aggregated before). */
export function byQuery(c: ComparisonRow): ByQuery | null {
  if (!allFinite([c.scope_queries, c.geomean_ratio, c.geomean_low, c.geomean_high, c.mean_diff_ms, c.mean_diff_low, c.mean_diff_high])) return null;
  if (!(c.scope_queries! >= 2 && c.geomean_low! > 0)) return null;
  return { queries: c.scope_queries!, ratio: c.geomean_ratio!, low: c.geomean_low!, high: c.geomean_high!, diff: c.mean_diff_ms!, diffLow: c.mean_diff_low!, diffHigh: c.mean_diff_high! };
}

/** Whether every value is a finite number (a stored figure complete, not null, absent or NaN). */
const allFinite = (values: readonly (number | null | undefined)[]): boolean => values.every((x) => x !== null && x !== undefined && Number.isFinite(x));

/**
 * '<a> faster' when the ratio's CI lies below 1, '<b> faster' above, else 'no significant
 * difference' — for the query-by-query geometric mean and for the paired figures alike.
 */
export function byQueryVerdict(c: ComparisonRow, q: Pick<ByQuery, 'low' | 'high'>): string {
  return q.high < 1 ? `${c.target_a} faster` : q.low > 1 ? `${c.target_b} faster` : 'no significant difference';
}

/** The comparison row of paths `a` and `b` in a scope, stored in either orientation, or undefined. */
export function comparisonOf(comparisons: readonly ComparisonRow[], level: AggregateLevel, key: string, a: string, b: string): ComparisonRow | undefined {
  return comparisons.find((x) => x.level === level && x.key === key && ((x.target_a === a && x.target_b === b) || (x.target_a === b && x.target_b === a)));
}

/** The mean of the queries' p50 differences gateway − native, with its CI, for an overhead row; null without query-by-query figures. */
export function overheadByQuery(comparisons: readonly ComparisonRow[], o: OverheadRow): { queries: number; diff: number; low: number; high: number } | null {
  const c = comparisonOf(comparisons, o.key === 'all' ? 'overall' : 'category', o.key, o.gateway, o.native);
  const q = c ? byQuery(c) : null;
  if (!c || !q) return null;
  return c.target_a === o.gateway ? { queries: q.queries, diff: q.diff, low: q.diffLow, high: q.diffHigh } : { queries: q.queries, diff: -q.diff, low: -q.diffHigh, high: -q.diffLow };
}

/**
 * A comparison row's figures from per-iteration pairs (lib/stats/bootstrap.ts pairedScopeCI), as
 * the report shows and judges them: the median per-iteration ratio a/b (a scope: the geometric mean
 * of its queries' medians) and difference a − b in ms (a scope: the mean of its queries' medians),
 * each with its CI (the fields of ByQuery; `queries` is 1 on a query row); the number of pairs; the
 * sign test's p on query rows. Null when the row has none
 * complete (runs aggregated before, paths that share no iteration).
 */
export interface Paired extends ByQuery {
  pairs: number;
  signP: number | null;
}

export function paired(c: ComparisonRow): Paired | null {
  if (!allFinite([c.pairs, c.paired_ratio, c.paired_low, c.paired_high, c.paired_diff_ms, c.paired_diff_low, c.paired_diff_high])) return null;
  if (!(c.pairs! >= 1 && c.paired_low! > 0)) return null;
  const queries = c.level === 'query' ? 1 : c.scope_queries ?? 1;
  return {
    pairs: c.pairs!, queries, ratio: c.paired_ratio!, low: c.paired_low!, high: c.paired_high!,
    diff: c.paired_diff_ms!, diffLow: c.paired_diff_low!, diffHigh: c.paired_diff_high!, signP: c.sign_p ?? null,
  };
}

/** An overhead row's paired figure (gateway − native, ms, with its CI), or null without one. */
export function overheadPaired(o: OverheadRow): { diff: number; low: number; high: number } | null {
  if (!allFinite([o.paired_ms, o.paired_low_ms, o.paired_high_ms])) return null;
  return { diff: o.paired_ms!, low: o.paired_low_ms!, high: o.paired_high_ms! };
}
