import type { AggregateLevel, AggregateRow, ComparisonRow, OverheadRow } from '../store/aggregates.js';
import { diffOfMediansCI, orderEffectCI, pairedScopeCI, percentileCI, qpsCI, ratioOfMediansCI, scopeOfMediansCI } from './bootstrap.js';
import type { LatencyGroups } from './latency-groups.js';
import { mannWhitneyUSorted } from './mann-whitney.js';
import { byWhoRanFirst, pairsAndOrders, type IterationPairs, type OrderStratum } from './paired-by-iteration.js';
import { signTest } from './sign-test.js';

/**
 * The statistics that sit beside the original numbers (which stay exactly as latency-summary.ts
 * computes them):
 *  - a 95% percentile-bootstrap CI for p50, p95, p99 and QPS of every aggregate row, resampling the
 *    successful latencies of that group, seeded per (run seed, target, level, key, statistic);
 *  - for every pair of targets and every query / category / overall: p50(a)/p50(b) with its CI and
 *    a two-sided Mann–Whitney U test ("no significant difference" when p > 0.05, as benchstat says);
 *    a category or all queries of two or more queries also compared query by query: the geometric
 *    mean of the queries' p50 ratios and the mean of their p50 differences, with CIs
 *    (scopeOfMediansCI, stream `scope:<level>:<key>:<a>:<b>`), over the queries both targets ran
 *    that are not left out of the run's category figures;
 *  - for the same pairs of targets, at every level, the comparison from per-iteration pairs (both
 *    ran iteration i with the same parameters, back to back when interleaved): the median ratio and
 *    difference per iteration, for a scope the geometric mean and mean of its queries' medians, with
 *    CIs (pairedScopeCI, stream `paired:<level>:<key>:<a>:<b>`), and on query rows the exact sign
 *    test; null when a query of the scope has no pair. The report's answer judges on these;
 *  - gateway overhead per declared pair: median(gateway) − median(native) with its CI, and the
 *    paired figure (mean over the scope's queries of their median paired difference), against a
 *    budget: 'within budget' when the CI's upper end is under it, 'over budget' when its lower end is
 *    over it, else 'inconclusive' — judged on the paired CI when there is one.
 * Every function reads the successful latencies from `groups` (lib/stats/latency-groups.ts),
 * grouped and sorted once per run.
 */
export interface IntervalOptions {
  runId: string;
  seed: number;
  resamples: number;
  targets: readonly string[];
  pairs: readonly { gateway: string; native: string }[];
  budgetMs: number;
  /** Queries left out of every category and overall figure (lib/pipeline/aggregate.ts): not in a scope's per-query comparison either. */
  leaveOut?: ReadonlySet<string>;
}

const val = (x: number) => (Number.isFinite(x) ? x : null);

export function withIntervals(aggregates: readonly AggregateRow[], groups: LatencyGroups, o: IntervalOptions): AggregateRow[] {
  return aggregates.map((a) => {
    const ms = groups.sorted(a.target, a.level, a.key);
    const opts = (stat: string) => ({ seed: o.seed, stream: `ci:${a.target}:${a.level}:${a.key}:${stat}`, resamples: o.resamples });
    const p50 = percentileCI(ms, 0.5, opts('p50'));
    const p95 = percentileCI(ms, 0.95, opts('p95'));
    const p99 = percentileCI(ms, 0.99, opts('p99'));
    const qps = qpsCI(ms, opts('qps'));
    return {
      ...a,
      p50_low: val(p50.low), p50_high: val(p50.high),
      p95_low: val(p95.low), p95_high: val(p95.high),
      p99_low: val(p99.low), p99_high: val(p99.high),
      qps_low: val(qps.low), qps_high: val(qps.high),
    };
  });
}

export function comparisons(aggregates: readonly AggregateRow[], groups: LatencyGroups, o: IntervalOptions): ComparisonRow[] {
  const keys = [...new Set(aggregates.map((a) => `${a.level}\u0000${a.key}`))];
  const out: ComparisonRow[] = [];
  const categoryOf = categoriesOfQueries(aggregates);
  const queriesOf = (level: AggregateLevel, key: string) => (level === 'query' ? [key] : scopeQueries(categoryOf, level, key, o.leaveOut));
  const pairedColumns = (level: AggregateLevel, key: string, a: string, b: string): Partial<ComparisonRow> => {
    const s = pairedScope(groups, queriesOf(level, key), a, b, o, `paired:${level}:${key}:${a}:${b}`);
    if (!s) return {};
    return {
      pairs: s.pairs,
      paired_ratio: val(s.ci.ratio.estimate), paired_low: val(s.ci.ratio.low), paired_high: val(s.ci.ratio.high),
      paired_diff_ms: val(s.ci.diff.estimate), paired_diff_low: val(s.ci.diff.low), paired_diff_high: val(s.ci.diff.high),
      ...(level === 'query' ? queryOnlyColumns(s.queries[0]!, o, `order:${key}:${a}:${b}`) : {}),
    };
  };
  const scopeColumns = (level: AggregateLevel, key: string, a: string, b: string): Partial<ComparisonRow> => {
    if (level === 'query') return {};
    const queries = queriesOf(level, key);
    const both = queries
      .map((q) => ({ a: groups.sorted(a, 'query', q), b: groups.sorted(b, 'query', q) }))
      .filter((p) => p.a.length > 0 && p.b.length > 0);
    if (both.length < 2) return {};
    const s = scopeOfMediansCI(both, { seed: o.seed, stream: `scope:${level}:${key}:${a}:${b}`, resamples: o.resamples });
    return {
      scope_queries: both.length,
      geomean_ratio: val(s.ratio.estimate), geomean_low: val(s.ratio.low), geomean_high: val(s.ratio.high),
      mean_diff_ms: val(s.diff.estimate), mean_diff_low: val(s.diff.low), mean_diff_high: val(s.diff.high),
    };
  };
  for (const lk of keys) {
    const [level, key] = lk.split('\u0000') as [AggregateLevel, string];
    for (let i = 0; i < o.targets.length; i++) {
      for (let j = i + 1; j < o.targets.length; j++) {
        const a = o.targets[i]!;
        const b = o.targets[j]!;
        const xa = groups.sorted(a, level, key);
        const xb = groups.sorted(b, level, key);
        if (xa.length === 0 || xb.length === 0) continue;
        const ratio = ratioOfMediansCI(xa, xb, { seed: o.seed, stream: `ratio:${level}:${key}:${a}:${b}`, resamples: o.resamples });
        const mw = mannWhitneyUSorted(xa, xb);
        const verdict = mw.verdict === 'a faster' ? `${a} faster` : mw.verdict === 'b faster' ? `${b} faster` : 'no significant difference';
        out.push({
          run_id: o.runId, level, key, target_a: a, target_b: b,
          p50_ratio: val(ratio.estimate), ratio_low: val(ratio.low), ratio_high: val(ratio.high),
          mw_u: val(mw.u), mw_p: val(mw.p), verdict,
          ...scopeColumns(level, key, a, b),
          ...pairedColumns(level, key, a, b),
        });
      }
    }
  }
  return out;
}

/** The queries of a category or of all queries, sorted, without those left out of the run's category figures. */
function scopeQueries(categoryOf: ReadonlyMap<string, string>, level: AggregateLevel, key: string, leaveOut?: ReadonlySet<string>): string[] {
  return [...categoryOf].filter(([q, cat]) => (level === 'overall' || cat === key) && !leaveOut?.has(q)).map(([q]) => q).sort();
}

/** Each query's category, from the query rows (the same for every target). */
function categoriesOfQueries(aggregates: readonly AggregateRow[]): Map<string, string> {
  return new Map(aggregates.filter((a) => a.level === 'query').map((a) => [a.key, a.category]));
}

/**
 * The paired comparison of `a` and `b` over `queries` (pairedScopeCI): null when a query has no
 * successful latency on either side (it is not in the scope, as for scopeOfMediansCI), or when one
 * that both ran has no pair (then the scope's figure would silently cover fewer queries than its
 * other figures: left to the independent ones).
 */
function pairedScope(groups: LatencyGroups, queries: readonly string[], a: string, b: string, o: IntervalOptions, stream: string): { pairs: number; queries: { pairs: IterationPairs; strata: OrderStratum[] }[]; ci: ReturnType<typeof pairedScopeCI> } | null {
  const ran = queries.filter((q) => groups.sorted(a, 'query', q).length > 0 && groups.sorted(b, 'query', q).length > 0);
  if (ran.length === 0) return null;
  const pairs = ran.map((q) => pairsAndOrders(groups, a, b, q));
  if (pairs.some((p) => p.pairs.ratios.length === 0)) return null;
  const ci = pairedScopeCI(pairs.map((p) => ({ strata: p.strata })), { seed: o.seed, stream, resamples: o.resamples });
  return { pairs: pairs.reduce((n, p) => n + p.pairs.ratios.length, 0), queries: pairs, ci };
}

/**
 * A query row's paired columns beyond the scope's: the exact sign test on the ratios of the order
 * with the most pairs — within one order the order effect is constant, so "as many pairs above 1
 * as below" is a fair null there (over all orders, an order effect alone would decide it) — and the
 * order effect with its CI when the two paths were the only targets and each ran first sometimes
 * (byWhoRanFirst).
 */
function queryOnlyColumns(q: { pairs: IterationPairs; strata: OrderStratum[] }, o: IntervalOptions, stream: string): Partial<ComparisonRow> {
  const largest = q.strata.reduce((x, y) => (y.ratios.length > x.ratios.length ? y : x));
  const who = byWhoRanFirst(q.pairs);
  const order = who ? orderEffectCI(who.aFirst, who.bFirst, { seed: o.seed, stream, resamples: o.resamples }) : null;
  return {
    sign_p: val(signTest(largest.ratios).p),
    ...(order ? { order_effect: val(order.estimate), order_low: val(order.low), order_high: val(order.high) } : {}),
  };
}

export function gatewayOverhead(aggregates: readonly AggregateRow[], groups: LatencyGroups, o: IntervalOptions): OverheadRow[] {
  const out: OverheadRow[] = [];
  const categoryOf = categoriesOfQueries(aggregates);
  for (const { gateway, native } of o.pairs) {
    if (!o.targets.includes(gateway) || !o.targets.includes(native)) continue;
    const keys = [...groups.categoriesOf(gateway), 'all'];
    for (const key of keys) {
      const level: AggregateLevel = key === 'all' ? 'overall' : 'category';
      const g = groups.sorted(gateway, level, key);
      const n = groups.sorted(native, level, key);
      if (g.length === 0 || n.length === 0) continue;
      const ci = diffOfMediansCI(g, n, { seed: o.seed, stream: `overhead:${gateway}:${native}:${key}`, resamples: o.resamples });
      const queries = scopeQueries(categoryOf, level, key, o.leaveOut);
      const paired = queries.length ? pairedScope(groups, queries, gateway, native, o, `overhead-paired:${gateway}:${native}:${key}`) : null;
      const judged = paired && Number.isFinite(paired.ci.diff.low) && Number.isFinite(paired.ci.diff.high) ? paired.ci.diff : ci;
      const verdict = judged.high < o.budgetMs ? 'within budget' : judged.low > o.budgetMs ? 'over budget' : 'inconclusive';
      out.push({
        run_id: o.runId, gateway, native, key, overhead_ms: val(ci.estimate), low_ms: val(ci.low), high_ms: val(ci.high), budget_ms: o.budgetMs, verdict,
        ...(paired ? { paired_ms: val(paired.ci.diff.estimate), paired_low_ms: val(paired.ci.diff.low), paired_high_ms: val(paired.ci.diff.high) } : {}),
      });
    }
  }
  return out;
}
