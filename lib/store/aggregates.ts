import type { SqliteDb } from './sqlite.js';

export type AggregateLevel = 'query' | 'category' | 'overall';

/** Derived from samples by the aggregate stage; dropped and recomputed on every aggregate. */
export interface AggregateRow {
  run_id: string;
  target: string;
  level: AggregateLevel;
  /** query id, category name, or 'all'. */
  key: string;
  /** category of the key ('all' for overall). */
  category: string;
  count: number;
  failed: number;
  mean_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  qps: number | null;
  qps_wall: number | null;
  /** 95% percentile-bootstrap intervals (null until computed, or when there are no samples). */
  p50_low?: number | null;
  p50_high?: number | null;
  p95_low?: number | null;
  p95_high?: number | null;
  p99_low?: number | null;
  p99_high?: number | null;
  qps_low?: number | null;
  qps_high?: number | null;
}

export interface ComparisonRow {
  run_id: string;
  level: AggregateLevel;
  key: string;
  target_a: string;
  target_b: string;
  /** p50(a) / p50(b) with its 95% CI. */
  p50_ratio: number | null;
  ratio_low: number | null;
  ratio_high: number | null;
  mw_u: number | null;
  mw_p: number | null;
  /** 'no significant difference' | '<target> faster' */
  verdict: string;
  /**
   * A category or all queries compared query by query (lib/stats/bootstrap.ts scopeOfMediansCI):
   * the number of queries, the geometric mean of their p50 ratios a/b and the mean of their p50
   * differences a − b (ms), with 95% CIs. Null (or absent, in rows built before) on query rows, on
   * scopes of a single query, and on runs aggregated before this existed.
   */
  scope_queries?: number | null;
  geomean_ratio?: number | null;
  geomean_low?: number | null;
  geomean_high?: number | null;
  mean_diff_ms?: number | null;
  mean_diff_low?: number | null;
  mean_diff_high?: number | null;
  /**
   * The comparison from per-iteration pairs (lib/stats/bootstrap.ts pairedScopeCI): how many
   * iterations both paths completed (summed over a scope's queries); the median per-iteration
   * ratio a/b (a scope: geometric mean of its queries' medians) and median difference a − b, ms (a
   * scope: mean of its queries' medians), with 95% CIs; the sign test's p (query rows). Null (or
   * absent) on runs aggregated before this existed, and where the two paths share no iteration.
   */
  pairs?: number | null;
  paired_ratio?: number | null;
  paired_low?: number | null;
  paired_high?: number | null;
  paired_diff_ms?: number | null;
  paired_diff_low?: number | null;
  paired_diff_high?: number | null;
  sign_p?: number | null;
  /** Query rows with pairs in both orders: √(median ratio with a first ÷ with b first), with its 95% CI (lib/stats/bootstrap.ts orderEffectCI). */
  order_effect?: number | null;
  order_low?: number | null;
  order_high?: number | null;
}

export interface OverheadRow {
  run_id: string;
  gateway: string;
  native: string;
  /** category or 'all' */
  key: string;
  overhead_ms: number | null;
  low_ms: number | null;
  high_ms: number | null;
  budget_ms: number;
  /**
   * Gateway − native from per-iteration pairs: the mean over the scope's queries of each query's
   * median paired difference (ms), with its 95% CI (lib/stats/bootstrap.ts pairedScopeCI). Null (or
   * absent) on runs aggregated before this existed, and when some query of the scope has no pair.
   */
  paired_ms?: number | null;
  paired_low_ms?: number | null;
  paired_high_ms?: number | null;
  /** 'within budget' | 'over budget' | 'inconclusive': on the paired CI when there is one, else on overhead_ms's. */
  verdict: string;
}

export interface SpectrumRow {
  run_id: string;
  target: string;
  quantile: number;
  latency_ms: number;
}

const AGG_COLS = [
  'run_id', 'target', 'level', 'key', 'category', 'count', 'failed', 'mean_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'min_ms', 'max_ms', 'qps', 'qps_wall',
  'p50_low', 'p50_high', 'p95_low', 'p95_high', 'p99_low', 'p99_high', 'qps_low', 'qps_high',
] as const;
const CMP_COLS = [
  'run_id', 'level', 'key', 'target_a', 'target_b', 'p50_ratio', 'ratio_low', 'ratio_high', 'mw_u', 'mw_p', 'verdict',
  'scope_queries', 'geomean_ratio', 'geomean_low', 'geomean_high', 'mean_diff_ms', 'mean_diff_low', 'mean_diff_high',
  'pairs', 'paired_ratio', 'paired_low', 'paired_high', 'paired_diff_ms', 'paired_diff_low', 'paired_diff_high', 'sign_p',
  'order_effect', 'order_low', 'order_high',
] as const;
const OVH_COLS = ['run_id', 'gateway', 'native', 'key', 'overhead_ms', 'low_ms', 'high_ms', 'budget_ms', 'verdict', 'paired_ms', 'paired_low_ms', 'paired_high_ms'] as const;

export async function replaceAggregates(
  db: SqliteDb,
  runId: string,
  rows: readonly AggregateRow[],
  spectrum: readonly SpectrumRow[],
  comparisons: readonly ComparisonRow[] = [],
  overhead: readonly OverheadRow[] = [],
): Promise<void> {
  await db.transaction(async () => {
    for (const table of ['aggregates', 'latency_spectrum', 'comparisons', 'gateway_overhead']) await db.run(`DELETE FROM ${table} WHERE run_id = ?`, [runId]);
    await db.insertMany('aggregates', AGG_COLS, rows.map((r) => AGG_COLS.map((c) => r[c] ?? null)), false);
    await db.insertMany('comparisons', CMP_COLS, comparisons.map((r) => CMP_COLS.map((c) => r[c] ?? null)), false);
    await db.insertMany('gateway_overhead', OVH_COLS, overhead.map((r) => OVH_COLS.map((c) => r[c] ?? null)), false);
    await db.insertMany('latency_spectrum', ['run_id', 'target', 'quantile', 'latency_ms'], spectrum.map((s) => [s.run_id, s.target, s.quantile, s.latency_ms]), false);
  });
}

export async function readAggregates(db: SqliteDb, runId: string): Promise<AggregateRow[]> {
  return db.all<AggregateRow>('SELECT * FROM aggregates WHERE run_id = ? ORDER BY target, level, key', [runId]);
}

export async function readSpectrum(db: SqliteDb, runId: string): Promise<SpectrumRow[]> {
  return db.all<SpectrumRow>('SELECT * FROM latency_spectrum WHERE run_id = ? ORDER BY target, quantile', [runId]);
}

export async function readComparisons(db: SqliteDb, runId: string): Promise<ComparisonRow[]> {
  return db.all<ComparisonRow>('SELECT * FROM comparisons WHERE run_id = ? ORDER BY level, key, target_a, target_b', [runId]);
}

export async function readOverhead(db: SqliteDb, runId: string): Promise<OverheadRow[]> {
  return db.all<OverheadRow>('SELECT * FROM gateway_overhead WHERE run_id = ? ORDER BY gateway, native, key', [runId]);
}

export interface NoiseFlagRow {
  run_id: string;
  target: string;
  query_id: string;
  kind: 'wide interval' | 'drift' | 'machine drift';
  detail: string;
}

export async function replaceNoiseFlags(db: SqliteDb, runId: string, rows: readonly NoiseFlagRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM noise_flags WHERE run_id = ?', [runId]);
    await db.insertMany('noise_flags', ['run_id', 'target', 'query_id', 'kind', 'detail'], rows.map((r) => [r.run_id, r.target, r.query_id, r.kind, r.detail]), false);
  });
}

export async function readNoiseFlags(db: SqliteDb, runId: string): Promise<NoiseFlagRow[]> {
  return db.all<NoiseFlagRow>('SELECT * FROM noise_flags WHERE run_id = ? ORDER BY target, query_id, kind', [runId]);
}
