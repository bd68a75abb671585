import type { AggregateLevel } from '../store/aggregates.js';
import type { SampleRow } from '../store/samples.js';
import { ratioOfMediansCI, scopeOfMediansCI } from './bootstrap.js';
import { MANN_WHITNEY_ALPHA, mannWhitneyU } from './mann-whitney.js';
import { quantileSorted } from './quantile.js';

/**
 * Two measurement runs side by side (`make compare`): for every target × query present in both,
 * and per category and overall, the change of p50, p95, p99 and QPS from the base run to the head
 * run, computed from raw samples only (successful requests, as every other latency figure):
 *
 *  - change % = (head / base − 1) × 100 — positive for latencies means slower, for QPS faster;
 *  - p50 ratio = median(head) / median(base) with a 95% percentile-bootstrap CI (both samples
 *    resampled independently, seeded: `ratioOfMediansCI`, stream `compare:<level>:<key>:<target>`);
 *  - verdict: two-sided Mann–Whitney U on head vs base (α = 0.05): "no significant difference" when
 *    p > 0.05, else "faster" / "slower" for the head run (benchstat's convention);
 *  - effect size, the sort key: |ln(p50 ratio)| — a halving and a doubling rank alike;
 *  - a category or all queries of two or more queries is also compared query by query (`by_query`):
 *    the geometric mean of its queries' head/base p50 ratios with a stratified bootstrap CI
 *    (scopeOfMediansCI, stream `compare-scope:<level>:<key>:<target>`), "slower"/"faster" when the
 *    CI excludes 1. A regression of such a row is judged on it (isRegression): the pooled median of
 *    queries of different latencies is one query's, or falls between two (docs/reading-the-report.md).
 *
 * Percentiles and QPS are defined exactly as in latency-summary.ts (linear interpolation, numpy's
 * default; QPS = successful requests ÷ sum of their latencies), so a run's side here equals its
 * stored aggregates.
 */

export type ChangeVerdict = 'faster' | 'slower' | 'no significant difference';

export interface SideStats {
  /** Requests of this target × key (failed included). */
  count: number;
  failed: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  qps: number | null;
}

export interface RunChangeRow {
  level: AggregateLevel;
  /** query id, category, or 'all'. */
  key: string;
  category: string;
  target: string;
  base: SideStats;
  head: SideStats;
  p50_change_pct: number | null;
  p95_change_pct: number | null;
  p99_change_pct: number | null;
  qps_change_pct: number | null;
  /** median(head) / median(base) and its 95% CI. */
  p50_ratio: number | null;
  ratio_low: number | null;
  ratio_high: number | null;
  mw_u: number | null;
  mw_p: number | null;
  verdict: ChangeVerdict;
  /** |ln(p50 ratio)|; null when either side has no successful request. */
  effect: number | null;
  /** A category or all queries of 2+ queries compared query by query (null on query rows and one-query scopes). */
  by_query?: ScopeChange | null;
}

/** A scope's change query by query: the geometric mean of its queries' p50 ratios head/base. */
export interface ScopeChange {
  queries: number;
  ratio: number;
  low: number;
  high: number;
  /** (ratio − 1) × 100 */
  change_pct: number;
  /** 'slower' when the CI lies above 1, 'faster' below, else no significant difference. */
  verdict: ChangeVerdict;
}

export interface RunComparison {
  rows: RunChangeRow[];
  /** Targets measured in only one of the two runs (not compared). */
  onlyInBase: string[];
  onlyInHead: string[];
  /** target/query pairs measured in only one run. */
  queriesOnlyInBase: string[];
  queriesOnlyInHead: string[];
}

export interface CompareOptions {
  seed: number;
  resamples: number;
}

interface Group {
  level: AggregateLevel;
  key: string;
  category: string;
  target: string;
  ok: number[];
  failed: number;
}

const LEVELS: readonly AggregateLevel[] = ['overall', 'category', 'query'];
const gk = (target: string, level: AggregateLevel, key: string) => `${target}\u0000${level}\u0000${key}`;

/** target/query pairs measured in a run. */
function queryPairs(samples: readonly SampleRow[]): Set<string> {
  const out = new Set<string>();
  for (const s of samples) if (s.phase === 'measure') out.add(`${s.target}/${s.query_id}`);
  return out;
}

/**
 * Groups per target × level × key. Category and overall groups take only the target/query pairs
 * in `inBoth` (measured in both runs): a query one run could not run on a target — not supported
 * on that path then — would otherwise change what the target's category and overall figures mean.
 */
function groups(samples: readonly SampleRow[], inBoth: ReadonlySet<string>): Map<string, Group> {
  const g = new Map<string, Group>();
  const add = (s: SampleRow, level: AggregateLevel, key: string, category: string) => {
    const k = gk(s.target, level, key);
    let grp = g.get(k);
    if (!grp) g.set(k, (grp = { level, key, category, target: s.target, ok: [], failed: 0 }));
    if (s.ok === 1) grp.ok.push(s.elapsed_ns / 1e6);
    else grp.failed++;
  };
  for (const s of samples) {
    if (s.phase !== 'measure') continue;
    add(s, 'query', s.query_id, s.category);
    if (!inBoth.has(`${s.target}/${s.query_id}`)) continue;
    add(s, 'category', s.category, s.category);
    add(s, 'overall', 'all', 'all');
  }
  return g;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A group's successful latencies sorted, once per group: a query's group serves its own row and its category's and the overall query-by-query change. */
const sortedCache = new WeakMap<Group, Float64Array>();
function sortedOk(grp: Group): Float64Array {
  let s = sortedCache.get(grp);
  if (!s) sortedCache.set(grp, (s = Float64Array.from(grp.ok).sort()));
  return s;
}

function side(grp: Group): { stats: SideStats; sorted: Float64Array } {
  const sorted = sortedOk(grp);
  let sum = 0;
  for (const v of grp.ok) sum += v;
  const n = sorted.length;
  return {
    sorted,
    stats: {
      count: n + grp.failed,
      failed: grp.failed,
      p50_ms: n ? quantileSorted(sorted, 0.5) : null,
      p95_ms: n ? quantileSorted(sorted, 0.95) : null,
      p99_ms: n ? quantileSorted(sorted, 0.99) : null,
      qps: n > 0 && sum > 0 ? n / (sum / 1000) : null,
    },
  };
}

const pct = (head: number | null, base: number | null): number | null =>
  head === null || base === null || !(base > 0) ? null : (head / base - 1) * 100;

/** The whole comparison; rows ordered overall → category → query, each by effect size (largest first). */
export function compareRuns(base: readonly SampleRow[], head: readonly SampleRow[], o: CompareOptions): RunComparison {
  const qb = queryPairs(base);
  const qh = queryPairs(head);
  const inBoth = new Set([...qb].filter((q) => qh.has(q)));
  const gb = groups(base, inBoth);
  const gh = groups(head, inBoth);
  const targetsOf = (g: Map<string, Group>) => new Set([...g.values()].map((x) => x.target));
  const tb = targetsOf(gb);
  const th = targetsOf(gh);

  const rows: RunChangeRow[] = [];
  for (const [k, b] of gb) {
    const h = gh.get(k);
    if (!h) continue;
    const sb = side(b);
    const sh = side(h);
    const ratio = ratioOfMediansCI(sh.sorted, sb.sorted, { seed: o.seed, stream: `compare:${b.level}:${b.key}:${b.target}`, resamples: o.resamples });
    const mw = mannWhitneyU(sh.sorted, sb.sorted);
    const verdict: ChangeVerdict = mw.verdict === 'a faster' ? 'faster' : mw.verdict === 'b faster' ? 'slower' : 'no significant difference';
    const r = finite(ratio.estimate);
    rows.push({
      level: b.level, key: b.key, category: b.category, target: b.target, base: sb.stats, head: sh.stats,
      p50_change_pct: pct(sh.stats.p50_ms, sb.stats.p50_ms),
      p95_change_pct: pct(sh.stats.p95_ms, sb.stats.p95_ms),
      p99_change_pct: pct(sh.stats.p99_ms, sb.stats.p99_ms),
      qps_change_pct: pct(sh.stats.qps, sb.stats.qps),
      p50_ratio: r, ratio_low: finite(ratio.low), ratio_high: finite(ratio.high),
      mw_u: finite(mw.u), mw_p: finite(mw.p), verdict,
      effect: r !== null && r > 0 ? Math.abs(Math.log(r)) : null,
      ...(b.level === 'query' ? {} : { by_query: scopeChange(gb, gh, b, o) }),
    });
  }
  rows.sort((x, y) =>
    LEVELS.indexOf(x.level) - LEVELS.indexOf(y.level) ||
    (y.effect ?? -1) - (x.effect ?? -1) ||
    x.target.localeCompare(y.target) || x.key.localeCompare(y.key));
  return {
    rows,
    onlyInBase: [...tb].filter((t) => !th.has(t)).sort(),
    onlyInHead: [...th].filter((t) => !tb.has(t)).sort(),
    queriesOnlyInBase: [...qb].filter((q) => !qh.has(q) && th.has(q.split('/')[0]!)).sort(),
    queriesOnlyInHead: [...qh].filter((q) => !qb.has(q) && tb.has(q.split('/')[0]!)).sort(),
  };
}

/**
 * The query-by-query change of a category or overall group `b` of the base run: its target's
 * queries of that scope measured in both runs (the query groups of both), compared one by one.
 * Null with fewer than two such queries.
 */
function scopeChange(gb: Map<string, Group>, gh: Map<string, Group>, b: Group, o: CompareOptions): ScopeChange | null {
  const pairs: { a: Float64Array; b: Float64Array }[] = [];
  const queries = [...gb.values()]
    .filter((g) => g.level === 'query' && g.target === b.target && (b.level === 'overall' || g.category === b.key) && g.ok.length > 0)
    .sort((x, y) => x.key.localeCompare(y.key));
  for (const q of queries) {
    // Measured in both runs, as the scope's pooled groups require (groups()).
    const h = gh.get(gk(b.target, 'query', q.key));
    if (!h || h.ok.length === 0) continue;
    pairs.push({ a: sortedOk(h), b: sortedOk(q) });
  }
  if (pairs.length < 2) return null;
  const s = scopeOfMediansCI(pairs, { seed: o.seed, stream: `compare-scope:${b.level}:${b.key}:${b.target}`, resamples: o.resamples });
  if (![s.ratio.estimate, s.ratio.low, s.ratio.high].every(Number.isFinite)) return null;
  const verdict: ChangeVerdict = s.ratio.low > 1 ? 'slower' : s.ratio.high < 1 ? 'faster' : 'no significant difference';
  return { queries: pairs.length, ratio: s.ratio.estimate, low: s.ratio.low, high: s.ratio.high, change_pct: (s.ratio.estimate - 1) * 100, verdict };
}

/** A significant p50 slowdown larger than `thresholdPct` (strictly), at any level; a scope compared query by query is judged on that. */
export function isRegression(r: RunChangeRow, thresholdPct: number): boolean {
  if (r.by_query) return r.by_query.verdict === 'slower' && r.by_query.change_pct > thresholdPct;
  return r.verdict === 'slower' && r.p50_change_pct !== null && r.p50_change_pct > thresholdPct && (r.mw_p ?? 1) <= MANN_WHITNEY_ALPHA;
}

/** "pglite/vector_cosine", "pglite/simple (category)", "pglite/all queries". */
export function rowName(r: Pick<RunChangeRow, 'level' | 'key' | 'target'>): string {
  return r.level === 'query' ? `${r.target}/${r.key}` : r.level === 'category' ? `${r.target}/${r.key} (category)` : `${r.target}/all queries`;
}
