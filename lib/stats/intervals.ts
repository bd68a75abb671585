import type { AggregateLevel, AggregateRow, ComparisonRow, OverheadRow } from '../store/aggregates.js';
import { diffOfMediansCI, percentileCI, qpsCI, ratioOfMediansCI, scopeOfMediansCI } from './bootstrap.js';
import type { LatencyGroups } from './latency-groups.js';
import { mannWhitneyUSorted } from './mann-whitney.js';

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
 *  - gateway overhead per declared pair: median(gateway) − median(native) with its CI, against a
 *    budget: 'within budget' when the CI's upper end is under it, 'over budget' when its lower end is
 *    over it, else 'inconclusive'.
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
  // Each query's category, from the query rows (the same for every target).
  const categoryOf = new Map(aggregates.filter((a) => a.level === 'query').map((a) => [a.key, a.category]));
  const scopeColumns = (level: AggregateLevel, key: string, a: string, b: string): Partial<ComparisonRow> => {
    if (level === 'query') return {};
    const queries = [...categoryOf].filter(([q, cat]) => (level === 'overall' || cat === key) && !o.leaveOut?.has(q)).map(([q]) => q).sort();
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
        });
      }
    }
  }
  return out;
}

export function gatewayOverhead(groups: LatencyGroups, o: IntervalOptions): OverheadRow[] {
  const out: OverheadRow[] = [];
  for (const { gateway, native } of o.pairs) {
    if (!o.targets.includes(gateway) || !o.targets.includes(native)) continue;
    const keys = [...groups.categoriesOf(gateway), 'all'];
    for (const key of keys) {
      const level: AggregateLevel = key === 'all' ? 'overall' : 'category';
      const g = groups.sorted(gateway, level, key);
      const n = groups.sorted(native, level, key);
      if (g.length === 0 || n.length === 0) continue;
      const ci = diffOfMediansCI(g, n, { seed: o.seed, stream: `overhead:${gateway}:${native}:${key}`, resamples: o.resamples });
      const verdict = ci.high < o.budgetMs ? 'within budget' : ci.low > o.budgetMs ? 'over budget' : 'inconclusive';
      out.push({ run_id: o.runId, gateway, native, key, overhead_ms: val(ci.estimate), low_ms: val(ci.low), high_ms: val(ci.high), budget_ms: o.budgetMs, verdict });
    }
  }
  return out;
}
