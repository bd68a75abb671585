import { shardLevelLines, shardLines } from './shard-report.js';
import { ORDER_EFFECT_NOTE, notableOrderEffects, orderEffectText } from './order-effect.js';
import { byQuery, byQueryVerdict, overheadByQuery, overheadPaired, paired } from './by-query.js';
import { namedInstancesText } from '../store/run-targets.js';
import { datasetOriginText, fingerprintSourceText, recallReferenceText } from './dataset-text.js';
import type { AggregateRow } from '../store/aggregates.js';
import { gcTableLines } from './gc-report.js';
import { busyMachineWarning, driftLoadNote, machineLoadText } from '../measure/machine-load.js';
import { machineLoadOf, machineSpeedOf, unsteadyMachineWarningOf } from './machine-load-report.js';
import { machineSpeedText } from '../stats/machine-speed.js';
import { CATEGORIES, measuredQueries } from '../workload/queries.js';
import { efSearchTableLines } from './ef-search-report.js';
import { openLoopTableLines } from './open-loop-report.js';
import { BELOW_SCALE_NOTICE, leftOutNote, notSupportedLines, partialNotice, targetOrder, verificationWarnings, type ReportData } from './report-data.js';
import { steadyStateHeaderLines } from './steady-state-report.js';
import { loopDelayText, type ClientLoad } from '../measure/client-load.js';
import { ciMethodText } from './ci-method.js';
import { queryModeTableLines } from './query-mode-report.js';
import { notComparableText } from './comparability.js';
import { theAnswerTableLines } from './the-answer.js';
import { mainPlanWarnings, queryPlanTableLines } from './query-plans-report.js';
import { clientColumnsNote, SWEEP_CONNECTION_WAIT_NOTE, clientCells, sweepClientWarnings } from './level-client-report.js';
import { capacityTextLines } from './client-capacity-report.js';

const fmtQps = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
const r3 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));

/** Point estimates with their intervals: Method | Scope | P50 [CI] | P95 [CI] | P99 [CI] | QPS [CI]. */
function ciTable(rows: readonly AggregateRow[]): string {
  const cell = (v: number | null, lo: number | null | undefined, hi: number | null | undefined, f: (x: number | null) => string) => `${f(v)} [${f(lo ?? null)}, ${f(hi ?? null)}]`;
  const header = ['Method', 'Scope', 'P50 (ms)', 'P95 (ms)', 'P99 (ms)', 'QPS'];
  const body = rows.map((a) => [
    a.target, a.key === 'all' ? 'all queries' : a.key,
    cell(a.p50_ms, a.p50_low, a.p50_high, fmtMs), cell(a.p95_ms, a.p95_low, a.p95_high, fmtMs),
    cell(a.p99_ms, a.p99_low, a.p99_high, fmtMs), cell(a.qps, a.qps_low, a.qps_high, fmtQps),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}
const fmtMs = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const flag = (text: string | null) => (text ? ` — ${text}` : '');

/** The 5-column table of the original: Method | QPS | P50 (ms) | P95 (ms) | P99 (ms). */
export function fiveColumnTable(rows: readonly { method: string; a: AggregateRow }[]): string {
  const header = ['Method', 'QPS', 'P50 (ms)', 'P95 (ms)', 'P99 (ms)'];
  const body = rows.map(({ method, a }) => [method, fmtQps(a.qps), fmtMs(a.p50_ms), fmtMs(a.p95_ms), fmtMs(a.p99_ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

/** table.txt: title block, overall table, per-category tables, failure notes. Also printed to the console. */
export function tableText(d: ReportData): string {
  const c = d.config;
  const order = targetOrder(d);
  const pick = (level: AggregateRow['level'], key: string) =>
    order.flatMap((t) => {
      const a = d.aggregates.find((x) => x.level === level && x.key === key && x.target === t);
      return a ? [{ method: t, a }] : [];
    });
  const out: string[] = [
    `pathbench report ${d.run.run_id}`,
    `timestamp:  ${d.run.created_at}`,
    `profile:    ${d.run.profile} — targets ${order.join(', ')}`,
    ...instancesLine(d),
    ...transportLines(d),
    `dataset:    ${c.dataset_size.toLocaleString('en-US')} vectors × ${c.vector_dims} dims, ${datasetOriginText(c)} (${d.run.dataset_id})`,
    `workload:   ${c.iterations} iterations × ${measuredQueries(c).length} queries per target, warmup ${c.warmup} per query, k=${c.k}, hnsw.ef_search=${c.hnsw.ef_search}, vector params ${c.vector_param_format}`,
    `duration:   ${d.run.wall_ns === null ? 'n/a' : (d.run.wall_ns / 1e9).toFixed(1) + ' s'} (measured phase, all targets interleaved)`,
    ...queryModeTableLines(d),
  ];
  const h = (d.environment as { harness?: { clock_resolution_ns: number; clock_reading_cost_ns: number; select1_p50_ms: Record<string, number> } }).harness;
  if (h) {
    out.push(`floor:      clock resolution ${h.clock_resolution_ns} ns, one clock reading ${h.clock_reading_cost_ns} ns; SELECT 1 p50: ${Object.entries(h.select1_p50_ms).map(([t, v]) => `${t} ${v.toFixed(3)} ms`).join(', ')}`);
  }
  out.push(...steadyStateHeaderLines(d));
  if (partialNotice(d)) out.push('', `!!! ${partialNotice(d)}`);
  const cl = (d.environment as { client_load?: ClientLoad & { warning: string | null } }).client_load;
  // Loads with a recorded resolution use loopDelayText ("not observed" for a phase too short for a p99); older ones keep their line.
  if (cl) out.push(`client:     ${Math.round(cl.cpu_cores * 100)}% of one core, event-loop delay ${cl.event_loop_resolution_ms === undefined ? `p99 ${cl.event_loop_delay_p99_ms} ms` : loopDelayText(cl)} while measuring`);
  const ml = machineLoadOf(d);
  if (ml) out.push(`machine:    ${machineLoadText(ml)}`);
  const ms = machineSpeedOf(d);
  if (ms) out.push(`machine:    ${machineSpeedText(ms)}`);
  const shards = shardTableLines(d);
  out.push(...shards.lines);
  // The answer: first section after the header block (its lines start with a blank line).
  out.push(...theAnswerTableLines(d));
  if (cl?.warning) out.push('', `!!! ${cl.warning}`);
  for (const w of shards.warnings) out.push('', `!!! ${w}`);
  const busy = ml ? busyMachineWarning(ml) : null;
  if (busy) out.push('', `!!! ${busy}`);
  const unsteady = unsteadyMachineWarningOf(d);
  if (unsteady) out.push('', `!!! ${unsteady}`);
  if (d.run.below_production_scale === 1) out.push('', BELOW_SCALE_NOTICE);
  const warnings = verificationWarnings(d);
  if (warnings.length) {
    out.push('', '!'.repeat(78), `!!! ${warnings.length} VERIFICATION PROBLEM(S) — read before using any number below:`);
    for (const w of warnings) out.push(`!!! ${w}`);
    out.push('!'.repeat(78));
  }
  const notSupported = notSupportedLines(d);
  if (notSupported.length) {
    out.push('', 'Not supported on this path (not measured there, compared nowhere):', ...notSupported.map((l) => `  ${l}`), `  ${leftOutNote(d)}`);
  }
  const planProblems = mainPlanWarnings(d);
  if (planProblems.length) out.push('', ...planProblems.map((w) => `!!! QUERY PLAN: ${w}`));
  out.push('', 'All queries', fiveColumnTable(pick('overall', 'all')));
  for (const cat of CATEGORIES) {
    const rows = pick('category', cat);
    if (rows.length) out.push('', `Category: ${cat}`, fiveColumnTable(rows));
  }
  if (d.aggregates.some((a) => a.p50_low !== null && a.p50_low !== undefined)) {
    out.push('', `Confidence intervals: ${ciMethodText(d.config.bootstrap_resamples ?? 1000)}`);
    out.push(ciTable(order.flatMap((t) => d.aggregates.filter((a) => a.target === t && a.level !== 'query'))));
  }
  const cmp = d.comparisons.filter((x) => x.level !== 'query');
  if (cmp.length) {
    out.push('', 'Pairwise: p50 ratio a/b [95% CI] and Mann–Whitney U (two-sided; p > 0.05 = no significant difference)' +
      (cmp.some((x) => byQuery(x)) ? '; query by query (a scope of n queries): the geometric mean of their p50 ratios a/b [95% CI], significant when the CI excludes 1' : '') +
      (cmp.some((x) => paired(x)) ? '; paired (n pairs): the median per-iteration ratio a/b, a scope\'s geometric mean over its queries [95% CI], significant when the CI excludes 1 — what the answer judges' : ''));
    for (const x of cmp) {
      const q = byQuery(x);
      const p = paired(x);
      const perQuery = (q ? `; query by query (${q.queries}): ${r3(q.ratio)} [${r3(q.low)}, ${r3(q.high)}] → ${byQueryVerdict(x, q)}` : '') +
        (p ? `; paired (${p.pairs}): ${r3(p.ratio)} [${r3(p.low)}, ${r3(p.high)}] → ${byQueryVerdict(x, p)}` : '');
      out.push(`  ${(x.key === 'all' ? 'all queries' : x.key).padEnd(18)} ${x.target_a} / ${x.target_b}: ${r3(x.p50_ratio)} [${r3(x.ratio_low)}, ${r3(x.ratio_high)}], p=${x.mw_p === null ? 'n/a' : x.mw_p < 0.001 ? '<0.001' : x.mw_p.toFixed(3)} → ${x.verdict}${perQuery}${flag(notComparableText(d, x.target_a, x.target_b, x.level, x.key))}`);
    }
  }
  const orderEffects = notableOrderEffects(d);
  if (orderEffects.length) {
    out.push('', `Order effect: ${ORDER_EFFECT_NOTE}`, ...orderEffects.map((e) => `  ${orderEffectText(e)}`));
  }
  if (d.overhead.length) {
    out.push('', `Gateway overhead: median(gateway) − median(native) per request [95% CI], budget ${d.overhead[0]!.budget_ms} ms` +
      (d.overhead.some((x) => overheadByQuery(d.comparisons, x)) ? '; query by query (a scope of n queries): the mean of their p50 differences [95% CI]' : '') +
      (d.overhead.some((x) => overheadPaired(x)) ? '; paired: the median per-iteration difference, a scope\'s mean over its queries [95% CI] — the verdict is judged on it' : ''));
    for (const x of d.overhead) {
      const q = overheadByQuery(d.comparisons, x);
      const p = overheadPaired(x);
      const perQuery = (q ? `; query by query (${q.queries}): ${r3(q.diff)} ms [${r3(q.low)}, ${r3(q.high)}]` : '') + (p ? `; paired: ${r3(p.diff)} ms [${r3(p.low)}, ${r3(p.high)}]` : '');
      out.push(`  ${x.gateway} vs ${x.native}, ${(x.key === 'all' ? 'all queries' : x.key).padEnd(18)} ${r3(x.overhead_ms)} ms [${r3(x.low_ms)}, ${r3(x.high_ms)}] → ${x.verdict}${perQuery}${flag(notComparableText(d, x.gateway, x.native, x.key === 'all' ? 'overall' : 'category', x.key))}`);
    }
  }
  if (d.sweep.length) {
    out.push('', `Concurrency sweep (closed loop, ${d.config.sweep_requests ?? '?'} requests per client per level, one target at a time; all queries)`);
    const rows = d.sweep.filter((r) => r.scope === 'all');
    const header = ['Method', 'Clients', 'QPS (wall)', 'P50 (ms)', 'P99 (ms)', 'Failed', 'Sessions', 'Client CPU', 'Loop p99 (ms)'];
    const body = rows.map((r) => [r.target, String(r.concurrency), fmtQps(r.qps_wall), fmtMs(r.p50_ms), fmtMs(r.p99_ms), String(r.failed), r.concurrent_sessions ? 'concurrent' : 'queued behind one session', ...clientCells(d, 'sweep', r.target, r.concurrency)]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const line = (cells: string[]) => '  ' + cells.map((x, i) => (i === 0 || i === 6 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ');
    out.push(line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line));
    if (rows.some((r) => !r.concurrent_sessions)) out.push('  "queued behind one session": the engine runs one query at a time (PGlite), so more clients measure queueing, not parallelism.');
    out.push(`  ${SWEEP_CONNECTION_WAIT_NOTE}`, `  ${clientColumnsNote(d)}`, ...sweepClientWarnings(d).map((w) => `!!! ${w}`));
    out.push(...capacityTextLines(d, 'sweep'));
  }
  out.push(...efSearchTableLines(d));
  out.push(...openLoopTableLines(d));
  if (d.noise.length) {
    out.push('', 'Noise warnings (treat these figures with care: re-run with more iterations, or on a quieter machine)');
    for (const n of d.noise) out.push(`  ${n.target} / ${n.query_id}: ${n.kind} — ${n.detail}`);
    const note = ml && d.noise.some((n) => n.kind === 'drift') ? driftLoadNote(ml) : null;
    if (note) out.push(`  ${note}`);
  }
  out.push(...gcTableLines(d));
  out.push(...queryPlanTableLines(d));
  if (d.verification.length) {
    out.push('', `Verification (untimed pass, same parameters on every target; recall@${c.k} against exact ground truth${recallReferenceText(c)}, hnsw.ef_search=${c.hnsw.ef_search})`);
    const fmt = (x: number | null) => (x === null ? '' : x.toFixed(3));
    const rows = d.verification.map((v) => [v.query_id, v.target, v.verdict, `${v.checked - v.errors}/${v.checked}`, fmt(v.mean_recall), fmt(v.min_recall)]);
    const header = ['Query', 'Target', 'Verdict', 'OK', 'Recall mean', 'Recall min'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => '  ' + cells.map((x, i) => (i < 3 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ');
    out.push(line(header), '  ' + widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line));
  }
  if (d.fingerprints.length) {
    out.push('', 'Data load (seed stage; one load per database, read back through each path)');
    const mb = (b: number | null) => (b === null ? 'n/a' : `${(b / 2 ** 20).toFixed(1)} MiB`);
    const sec = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(1)} s`);
    for (const f of d.fingerprints) {
      out.push(
        `  ${f.target}: ${f.row_count.toLocaleString('en-US')} rows, fingerprint ${f.matches ? `matches ${fingerprintSourceText(c)}` : `DIFFERS from ${fingerprintSourceText(c)}`}; ` +
          `load ${sec(f.load_seconds)}${f.rows_per_second === null ? '' : ` (${Math.round(f.rows_per_second).toLocaleString('en-US')} rows/s)`}, ` +
          `index build ${sec(f.index_seconds)}; table ${mb(f.table_bytes)}, HNSW index ${mb(f.index_bytes)}`,
      );
    }
  }
  const failures = d.aggregates.filter((a) => a.level === 'overall' && a.failed > 0);
  if (failures.length) {
    out.push('', 'Failed requests (excluded from latency and QPS):');
    for (const f of failures) out.push(`  ${f.target}: ${f.failed} of ${f.count}`);
  }
  out.push('', 'QPS = successful requests / sum of their latencies; percentiles: linear interpolation (numpy default).');
  return out.join('\n') + '\n';
}

/**
 * A run merged from shards (lib/pipeline/merge.ts): how many, each one's host and clock against
 * shard 1's, and the warnings of shardLines. The floor, client and machine lines above are shard 1's.
 * Nothing for an unsharded run, so older reports are unchanged.
 */
function shardTableLines(d: ReportData): { lines: string[]; warnings: string[] } {
  const rows = d.shards ?? [];
  if (rows.length === 0) return { lines: [], warnings: [] };
  const clocks = shardLines(rows, d.config.rate_late_ms ?? 1);
  const levels = shardLevelLines(d.shardLevels ?? [], d.config.rate_late_ms ?? 1);
  const lines = [...clocks.lines, ...levels.lines];
  const warnings = [...clocks.warnings, ...levels.warnings];
  const head = `shards:     ${rows.length} of ${rows[0]!.shards} merged, on ${[...new Set(rows.map((r) => r.host))].length} host(s); the floor, client and machine lines are shard 1's`;
  return { lines: [head, ...lines.map((l) => `            ${l}`)], warnings };
}

/** `instances:` with the type of each named instance; nothing when every name is its type (every run from before instances). */
function instancesLine(d: ReportData): string[] {
  const text = namedInstancesText(d.instances ?? []);
  return text ? [`instances:  ${text}`] : [];
}

/**
 * `paths:` — how each path reached its server (transport as the server saw the session, and the
 * gateway in between), from the run's environment. Runs from before it was recorded have no
 * `transport` and get no such line.
 */
function transportLines(d: ReportData): string[] {
  const env = (d.environment as { targets?: Record<string, { transport?: string; gateway?: string }> }).targets ?? {};
  const rows = targetOrder(d).flatMap((t) => (env[t]?.transport ? [`  ${t}: ${env[t].transport}${env[t].gateway ? `; gateway ${env[t].gateway}` : ''}`] : []));
  return rows.length ? ['paths:', ...rows] : [];
}
