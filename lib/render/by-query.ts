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
  const v = [c.scope_queries, c.geomean_ratio, c.geomean_low, c.geomean_high, c.mean_diff_ms, c.mean_diff_low, c.mean_diff_high];
  if (v.some((x) => x === null || x === undefined || !Number.isFinite(x))) return null;
  if (!(c.scope_queries! >= 2 && c.geomean_low! > 0)) return null;
  return { queries: c.scope_queries!, ratio: c.geomean_ratio!, low: c.geomean_low!, high: c.geomean_high!, diff: c.mean_diff_ms!, diffLow: c.mean_diff_low!, diffHigh: c.mean_diff_high! };
}

/** '<a> faster' when the geometric mean's CI lies below 1, '<b> faster' above, else 'no significant difference'. */
export function byQueryVerdict(c: ComparisonRow, q: ByQuery): string {
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
