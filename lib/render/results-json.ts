import { machineSpeedOf, unsteadyMachineWarningOf } from './machine-load-report.js';
import { orderEffectOf } from './order-effect.js';
import { byQuery, byQueryVerdict, overheadByQuery, overheadPaired, paired } from './by-query.js';
import { probeQuarters } from '../stats/machine-speed.js';
import { namedInstancesText } from '../store/run-targets.js';
import { SPECTRUM_QUANTILES } from '../stats/latency-summary.js';
import { gcJson } from './gc-report.js';
import type { AggregateRow, ComparisonRow } from '../store/aggregates.js';
import { efSearchJson } from './ef-search-report.js';
import { openLoopJson } from './open-loop-report.js';
import { BELOW_SCALE_NOTICE, leftOutNote, partialNotice, unsupportedInOrder, targetOrder, verificationWarnings, type ReportData } from './report-data.js';
import { steadyStateJson } from './steady-state-report.js';
import { notSupportedText } from '../store/unsupported-queries.js';
import { ciMethodText } from './ci-method.js';
import { pathModes } from './query-mode-report.js';
import { notComparableText } from './comparability.js';

/** `not_comparable` appears only on a flagged comparison, so older runs' results.json is unchanged. */
const notComparableJson = (text: string | null) => (text ? { not_comparable: text } : {});
import { queryPlansJson } from './query-plans-report.js';
import { clientColumnsNote, SWEEP_CONNECTION_WAIT_NOTE, clientLoadJson, sweepClientWarnings } from './level-client-report.js';
import { capacityJson, capacityWarnings, clientCapacityJson } from './client-capacity-report.js';

/** Round for presentation only; the store keeps full precision. */
const r3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);
const r1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

function figures(a: AggregateRow) {
  return {
    qps: r1(a.qps),
    qps_wall: r1(a.qps_wall),
    latency_mean_ms: r3(a.mean_ms),
    latency_p50_ms: r3(a.p50_ms),
    latency_p95_ms: r3(a.p95_ms),
    latency_p99_ms: r3(a.p99_ms),
    latency_min_ms: r3(a.min_ms),
    latency_max_ms: r3(a.max_ms),
    queries_executed: a.count,
    queries_failed: a.failed,
  };
}

/**
 * results.json: the original contract (report_id, timestamp, config {vector_dimensions,
 * dataset_size, iterations}, duration_seconds, results {<target>: {qps, latency_p50_ms,
 * latency_p95_ms, latency_p99_ms, queries_executed, queries_failed}}), with richer sections beside
 * it. Deterministic for a given store: re-rendering gives the same bytes.
 */
export function resultsJson(d: ReportData): Record<string, unknown> {
  const order = targetOrder(d);
  const byLevel = (level: AggregateRow['level']) => d.aggregates.filter((a) => a.level === level);
  const overall = Object.fromEntries(
    order.flatMap((t) => {
      const a = byLevel('overall').find((x) => x.target === t);
      if (!a) return [];
      const f = figures(a);
      return [[t, { qps: f.qps, latency_p50_ms: f.latency_p50_ms, latency_p95_ms: f.latency_p95_ms, latency_p99_ms: f.latency_p99_ms, queries_executed: f.queries_executed, queries_failed: f.queries_failed, qps_wall: f.qps_wall, latency_mean_ms: f.latency_mean_ms }]];
    }),
  );
  const unsupported = d.unsupported ?? [];
  const modes = pathModes(d);
  // A query a path could not run has no figures there: its entry says so instead.
  const notSupported = (t: string) => unsupported.filter((u) => u.target === t).map((u) => [u.query_id, { not_supported: notSupportedText(u) }] as const);
  const nested = (level: 'category' | 'query') =>
    Object.fromEntries(order.map((t) => [t, Object.fromEntries([
      ...byLevel(level).filter((a) => a.target === t).map((a) => [a.key, level === 'query' ? { category: a.category, ...figures(a) } : figures(a)] as const),
      ...(level === 'query' ? notSupported(t) : []),
    ])]));
  const below = d.run.below_production_scale === 1;
  return {
    report_id: d.run.run_id,
    timestamp: d.run.created_at,
    config: { vector_dimensions: d.config.vector_dims, dataset_size: d.config.dataset_size, iterations: d.config.iterations },
    duration_seconds: d.run.wall_ns === null ? null : Math.round(d.run.wall_ns / 1e6) / 1000,
    results: overall,
    scale: { below_production_scale: below, notice: below ? BELOW_SCALE_NOTICE : null },
    partial: d.run.status !== 'complete' ? { status: d.run.status, notice: partialNotice(d) } : null,
    run: {
      status: d.run.status,
      profile: d.run.profile,
      finished_at: d.run.finished_at,
      targets: order,
      // Only when some instance is not named after its type: older runs' results.json stays byte-identical.
      ...(namedInstancesText(d.instances ?? []) ? { target_types: Object.fromEntries((d.instances ?? []).map((r) => [r.target, r.type])) } : {}),
      // Only for a run merged from shards: other runs' results.json stays byte-identical.
      ...(d.shards?.length ? { shards: d.shards.map(({ run_id: _, ...r }) => r) } : {}),
      ...(d.shardLevels?.length ? { shard_levels: d.shardLevels.map(({ run_id: _, ...r }) => r) } : {}),
      dataset_id: d.run.dataset_id,
      seed: d.run.seed,
      warmup_per_query: d.config.warmup,
      session_warmup_requests: d.warmupRequests,
      k: d.config.k,
      hnsw: d.config.hnsw,
      vector_param_format: d.config.vector_param_format,
      ...(modes.length ? { query_modes: Object.fromEntries(modes.map((p) => [p.target, p.note ? { mode: p.mode, note: p.note } : { mode: p.mode }])) } : {}),
      query_vector_pool: d.config.query_vector_pool,
    },
    ...steadyStateJson(d),
    ...(unsupported.length
      ? {
          not_supported: {
            note: leftOutNote(d),
            rows: unsupportedInOrder(d).map((u) => ({ target: u.target, query: u.query_id, text: notSupportedText(u), error: u.error, reason: u.reason })),
          },
        }
      : {}),
    categories: nested('category'),
    queries: nested('query'),
    latency_spectrum: Object.fromEntries(order.map((t) => [t, d.spectrum.filter((s) => s.target === t).map((s) => ({ quantile: s.quantile, latency_ms: r3(s.latency_ms) }))])),
    confidence_intervals: {
      method: ciMethodText(d.config.bootstrap_resamples ?? 1000),
      rows: d.aggregates.map((a) => ({
        target: a.target, level: a.level, key: a.key,
        latency_p50_ms: [r3(a.p50_low ?? null), r3(a.p50_high ?? null)],
        latency_p95_ms: [r3(a.p95_low ?? null), r3(a.p95_high ?? null)],
        latency_p99_ms: [r3(a.p99_low ?? null), r3(a.p99_high ?? null)],
        qps: [r1(a.qps_low ?? null), r1(a.qps_high ?? null)],
      })),
    },
    comparisons: d.comparisons.map((x) => ({
      level: x.level, key: x.key, a: x.target_a, b: x.target_b,
      p50_ratio: r3(x.p50_ratio), p50_ratio_ci95: [r3(x.ratio_low), r3(x.ratio_high)],
      mann_whitney_u: x.mw_u, mann_whitney_p: x.mw_p === null ? null : Number(x.mw_p.toPrecision(4)), verdict: x.verdict,
      ...byQueryJson(x),
      ...pairedJson(x),
      ...notComparableJson(notComparableText(d, x.target_a, x.target_b, x.level, x.key)),
    })),
    gateway_overhead: d.overhead.map((x) => ({
      gateway: x.gateway, native: x.native, scope: x.key, overhead_ms: r3(x.overhead_ms), ci95_ms: [r3(x.low_ms), r3(x.high_ms)], budget_ms: x.budget_ms, verdict: x.verdict,
      ...((q) => (q ? { by_query: { queries: q.queries, mean_p50_difference_ms: r3(q.diff), ci95_ms: [r3(q.low), r3(q.high)] } } : {}))(overheadByQuery(d.comparisons, x)),
      ...((p) => (p ? { paired: { difference_ms: r3(p.diff), ci95_ms: [r3(p.low), r3(p.high)], method: 'median per-iteration difference gateway − native (a scope: mean over its queries), paired percentile bootstrap; the verdict is judged on it' } } : {}))(overheadPaired(x)),
      ...notComparableJson(notComparableText(d, x.gateway, x.native, x.key === 'all' ? 'overall' : 'category', x.key)),
    })),
    concurrency_sweep: d.sweep.map((r) => ({
      target: r.target, clients: r.concurrency, scope: r.scope, requests: r.count, failed: r.failed,
      latency_p50_ms: r3(r.p50_ms), latency_p99_ms: r3(r.p99_ms), qps_wall: r1(r.qps_wall),
      sessions: r.concurrent_sessions ? 'concurrent' : 'queued behind one session',
      client_load: clientLoadJson(d, 'sweep', r.target, r.concurrency),
      ...(r.scope === 'all' ? capacityJson(d, r.target, r.qps_wall, r.concurrency, r.concurrent_sessions === 1) : {}),
    })),
    ...(d.sweep.length || d.openLoop?.rows.length ? { client_capacity: clientCapacityJson(d) } : {}),
    ...(d.sweep.length ? { concurrency_sweep_client: { warnings: [...sweepClientWarnings(d), ...capacityWarnings(d, 'sweep')], connection_wait: SWEEP_CONNECTION_WAIT_NOTE, client_load: clientColumnsNote(d) } } : {}),
    ef_search_sweep: efSearchJson(d),
    ...(queryPlansJson(d) ? { query_plans: queryPlansJson(d) } : {}),
    ...(openLoopJson(d) ? { open_loop: openLoopJson(d) } : {}),
    noise_warnings: d.noise.map((n) => ({ target: n.target, query: n.query_id, kind: n.kind, detail: n.detail })),
    ...machineSpeedJson(d),
    ...gcJson(d),
    verification: {
      warnings: verificationWarnings(d),
      hnsw_ef_search: d.config.hnsw.ef_search,
      k: d.config.k,
      rows: d.verification.map((v) => ({
        query: v.query_id, target: v.target, verdict: v.verdict, checked: v.checked, errors: v.errors, mismatches: v.mismatches,
        recall_mean: v.mean_recall === null ? null : Math.round(v.mean_recall * 1000) / 1000,
        recall_min: v.min_recall === null ? null : Math.round(v.min_recall * 1000) / 1000,
      })),
    },
    dataset: {
      id: d.run.dataset_id,
      fingerprints: d.fingerprints.map((f) => ({
        target: f.target, rows: f.row_count, metadata_rows: f.metadata_count, vectors_hash: f.vectors_hash, metadata_hash: f.metadata_hash,
        matches_generator: f.matches === 1, index: f.index_spec, load_seconds: f.load_seconds === null ? null : Math.round(f.load_seconds * 100) / 100,
        index_build_seconds: f.index_seconds === null ? null : Math.round(f.index_seconds * 100) / 100,
        load_rows_per_second: f.rows_per_second === null ? null : Math.round(f.rows_per_second),
        table_bytes: f.table_bytes,
        index_bytes: f.index_bytes,
      })),
    },
    environment: d.environment,
    definitions: {
      latency: 'execute plus full fetch of all rows, process.hrtime.bigint() around the driver call; failed requests excluded from latency figures and counted in queries_failed',
      percentile: 'linear interpolation between closest ranks (numpy default "linear", Hyndman & Fan type 7)',
      qps: 'successful requests / sum of their latencies (s): one client issuing back-to-back requests',
      qps_wall: 'successful requests / wall time the target occupied (each request counts from its start to the next request start, targets interleaved)',
      queries_executed: 'measured requests, successful and failed (warmup excluded)',
      spectrum_quantiles: [...SPECTRUM_QUANTILES],
    },
  };
}

/**
 * The speed probes by quarter and the warning (lib/stats/machine-speed.ts); nothing for runs before
 * the probe, and no `memory` for runs before the memory probe, so their results.json is unchanged.
 */
function machineSpeedJson(d: ReportData): { machine_speed?: Record<string, unknown> } {
  const m = machineSpeedOf(d);
  if (!m) return {};
  const memory = m.memory ? { memory: { probe: m.memory.probe, probes: m.memory.ms.length, quarter_median_ms: probeQuarters(m.memory) } } : {};
  return { machine_speed: { probe: m.probe, probes: m.ms.length, quarter_median_ms: probeQuarters(m), ...memory, warning: unsteadyMachineWarningOf(d) } };
}

/** A comparison from per-iteration pairs (lib/render/by-query.ts paired), for results.json; {} without one. */
function pairedJson(x: ComparisonRow): Record<string, unknown> {
  const p = paired(x);
  if (!p) return {};
  return {
    paired: {
      pairs: p.pairs, queries: p.queries,
      ratio: r3(p.ratio), ratio_ci95: [r3(p.low), r3(p.high)],
      difference_ms: r3(p.diff), difference_ci95_ms: [r3(p.diffLow), r3(p.diffHigh)],
      ...(p.signP !== null ? { sign_test_p: Number(p.signP.toPrecision(4)) } : {}),
      ...((e) => (e ? { order_effect: r3(e.effect), order_effect_ci95: [r3(e.low), r3(e.high)] } : {}))(orderEffectOf(x)),
      verdict: byQueryVerdict(x, p),
      method: p.queries === 1
        ? 'the iterations both paths ran (same parameters): median of the per-iteration ratios a/b and differences a − b, percentile bootstrap over the pairs; exact two-sided sign test; significant when the ratio\'s CI excludes 1'
        : 'each query on its own from the iterations both paths ran: geometric mean of its median per-iteration ratios a/b and mean of its median differences a − b, stratified percentile bootstrap over each query\'s pairs; significant when the ratio\'s CI excludes 1',
    },
  };
}

/** A scope compared query by query (lib/render/by-query.ts), for results.json; {} on other rows. */
function byQueryJson(x: ComparisonRow): Record<string, unknown> {
  const q = byQuery(x);
  if (!q) return {};
  return {
    by_query: {
      queries: q.queries,
      geomean_p50_ratio: r3(q.ratio), geomean_p50_ratio_ci95: [r3(q.low), r3(q.high)],
      mean_p50_difference_ms: r3(q.diff), mean_p50_difference_ci95_ms: [r3(q.diffLow), r3(q.diffHigh)],
      verdict: byQueryVerdict(x, q),
      method: 'each query compared on its own: geometric mean of the p50 ratios a/b and mean of the p50 differences a − b, stratified percentile bootstrap (each query\'s a and b resampled independently); significant when the ratio\'s CI excludes 1',
    },
  };
}
