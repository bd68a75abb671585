import type { OpenLoopAggregateRow, OpenLoopVerdictRow } from '../store/open-loop.js';
import { QUERY_SCOPE, fmtRate } from '../stats/open-loop-summary.js';
import { mixText } from '../workload/rate-mix.js';
import { capacityJson, capacityTextLines, capacityWarnings } from './client-capacity-report.js';
import type { ReportData } from './report-data.js';
import { clientColumnsNote, QUEUE_WAIT_NOTE, clientCells, clientLoadJson, openLoopClientWarnings, queueCells, queueWaitJson } from './level-client-report.js';

/**
 * The open-loop part of table.txt and results.json, from the stored aggregates and verdicts.
 * The HTML section (html/open-loop-section.ts) shows the same rows.
 */
export const QUEUED_NOTE =
  '"queued behind one session": the engine runs one query at a time (PGlite), so the driver sends its requests on one session and every request waits for the one before it — the rates it sustains are those of a single session.';

export function openLoopSetup(d: ReportData): string {
  const c = d.config;
  const length = c.rate_requests !== undefined ? `${c.rate_requests} requests per level` : `${c.rate_duration_s ?? 10} s per level`;
  const mix = c.rate_mix ? `weighted mix ${mixText(c.rate_mix)} (seeded: the same query sequence on every target), ` : '';
  return (
    `${mix}${c.rate_arrival ?? 'poisson'} arrivals, ${length}, ${c.rate_sessions ?? '?'} sessions per target (1 where sessions cannot run concurrently), one target at a time; ` +
    `latency from each request's intended start (coordinated-omission corrected); late = started > ${c.rate_late_ms ?? 1} ms after its intended time; ` +
    `dropped = still unsent ${c.rate_grace_s ?? 2} s after the level's schedule ended`
  );
}

const ms = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
export const scopeName = (s: string) => (s === 'all' ? 'all queries' : s.startsWith(QUERY_SCOPE) ? `${s.slice(QUERY_SCOPE.length)} in the mix` : s);

export function verdictText(v: OpenLoopVerdictRow): string {
  const head = v.sustained_rate === null ? 'none — even the lowest offered rate missed' : `${fmtRate(v.sustained_rate)}`;
  return `${head}${v.detail ? ` (missed: ${v.detail})` : ''}`;
}

export function openLoopTableLines(d: ReportData): string[] {
  const ol = d.openLoop;
  if (!ol || ol.rows.length === 0) return [];
  const order = JSON.parse(d.run.targets_json) as string[];
  const rows = order.flatMap((t) => ol.rows.filter((r) => r.target === t && r.scope === 'all'));
  const header = ['Method', 'Offered/s', 'Achieved/s', 'P50 (ms)', 'P99 (ms)', 'Service P50', 'Service P99', 'Late', 'Dropped', 'Queued', 'Wait mean/p99/max (ms)', 'Failed', 'Sessions', 'Client CPU', 'Loop p99 (ms)'];
  const body = rows.map((r) => [
    r.target, String(r.offered_rate), r.achieved_rate === null ? 'n/a' : r.achieved_rate.toFixed(1), ms(r.p50_ms), ms(r.p99_ms), ms(r.service_p50_ms), ms(r.service_p99_ms),
    `${r.late}/${r.scheduled}`, String(r.dropped), ...queueCells(r), String(r.failed), sessionsLabel(r), ...clientCells(d, 'open-loop', r.target, r.offered_rate),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const left = [0, header.indexOf('Sessions')];
  const line = (cells: string[]) => '  ' + cells.map((x, i) => (left.includes(i) ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ');
  const slo = ol.verdicts[0]?.slo_p99_ms ?? d.config.slo_p99_ms ?? 10;
  const out = [
    '',
    `Open loop (fixed rate; all queries of the mix; P50/P99 = corrected latency, Service = end − actual start as a closed-loop tool reports it)`,
    `  ${openLoopSetup(d)}`,
    line(header),
    '  ' + widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(line),
    `  Highest offered rate meeting the SLO (corrected p99 ≤ ${slo} ms, nothing dropped or failed):`,
  ];
  for (const t of order) {
    for (const v of ol.verdicts.filter((x) => x.target === t).sort((a, b) => (a.scope === 'all' ? -1 : b.scope === 'all' ? 1 : a.scope.localeCompare(b.scope)))) {
      out.push(`    ${t} / ${scopeName(v.scope)}: ${verdictText(v)}`);
    }
  }
  out.push(...mixTableLines(d, order));
  if (rows.some((r) => !r.concurrent_sessions)) out.push(`  ${QUEUED_NOTE}`);
  out.push(`  ${QUEUE_WAIT_NOTE}`, `  ${clientColumnsNote(d)}`, ...openLoopClientWarnings(d).map((w) => `!!! ${w}`));
  out.push(...capacityTextLines(d, 'open-loop'));
  return out;
}

/** The per-query rows of a rate_mix run (scope query:<id>), by target, rate, then the mix's order. */
export function mixRows(d: ReportData, order: readonly string[]): OpenLoopAggregateRow[] {
  const ol = d.openLoop;
  if (!ol || !d.config.rate_mix) return [];
  const mixOrder = Object.keys(d.config.rate_mix);
  const rank = (r: OpenLoopAggregateRow) => mixOrder.indexOf(r.scope.slice(QUERY_SCOPE.length));
  return order.flatMap((t) =>
    ol.rows.filter((r) => r.target === t && r.scope.startsWith(QUERY_SCOPE)).sort((a, b) => a.offered_rate - b.offered_rate || rank(a) - rank(b)),
  );
}

export const MIX_HEADER = ['Method', 'Offered/s', 'Query', 'Share', 'Achieved/s', 'P50 (ms)', 'P99 (ms)', 'Service P50', 'Service P99', 'Late', 'Dropped', 'Failed'];

/** One row's cells under MIX_HEADER; share = the query's requests ÷ the level's. */
export function mixCells(d: ReportData, r: OpenLoopAggregateRow): string[] {
  const all = d.openLoop!.rows.find((x) => x.target === r.target && x.offered_rate === r.offered_rate && x.scope === 'all');
  const share = all && all.scheduled > 0 ? `${((100 * r.scheduled) / all.scheduled).toFixed(1)}%` : 'n/a';
  return [
    r.target, String(r.offered_rate), r.scope.slice(QUERY_SCOPE.length), share, r.achieved_rate === null ? 'n/a' : r.achieved_rate.toFixed(1),
    ms(r.p50_ms), ms(r.p99_ms), ms(r.service_p50_ms), ms(r.service_p99_ms), `${r.late}/${r.scheduled}`, String(r.dropped), String(r.failed),
  ];
}

function mixTableLines(d: ReportData, order: readonly string[]): string[] {
  const rows = mixRows(d, order);
  if (rows.length === 0) return [];
  const body = rows.map((r) => mixCells(d, r));
  const widths = MIX_HEADER.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const left = [0, 2];
  const line = (cells: string[]) => '  ' + cells.map((x, i) => (left.includes(i) ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ');
  return [
    `  Per query within the mix (${mixText(d.config.rate_mix!)}; Share = the query's part of the level's requests; latency as above):`,
    line(MIX_HEADER),
    '  ' + widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...body.map(line),
  ];
}

export function sessionsLabel(r: OpenLoopAggregateRow): string {
  return r.concurrent_sessions ? `${r.sessions} concurrent` : 'queued behind one session';
}

const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** results.json → open_loop (absent when the run had no open-loop levels). */
export function openLoopJson(d: ReportData): Record<string, unknown> | undefined {
  const ol = d.openLoop;
  if (!ol || ol.rows.length === 0) return undefined;
  const c = d.config;
  return {
    setup: {
      rates: c.rate, arrival: c.rate_arrival, duration_s: c.rate_requests === undefined ? (c.rate_duration_s ?? 10) : null, requests_per_level: c.rate_requests ?? null,
      sessions: c.rate_sessions, queries: c.rate_queries ?? 'all', ...(c.rate_mix ? { mix: c.rate_mix, mix_seed: c.seed } : {}), late_threshold_ms: c.rate_late_ms, drop_grace_s: c.rate_grace_s, slo_p99_ms: c.slo_p99_ms,
    },
    levels: ol.rows.map((r) => ({
      target: r.target, offered_rate: r.offered_rate, scope: r.scope, scheduled: r.scheduled, completed: r.completed, failed: r.failed, late: r.late, dropped: r.dropped,
      achieved_rate: r.achieved_rate === null ? null : Math.round(r.achieved_rate * 10) / 10,
      latency_p50_ms: r3(r.p50_ms), latency_p99_ms: r3(r.p99_ms), service_p50_ms: r3(r.service_p50_ms), service_p99_ms: r3(r.service_p99_ms),
      sessions: sessionsLabel(r),
      ...queueWaitJson(r),
      client_load: clientLoadJson(d, 'open-loop', r.target, r.offered_rate),
      ...(r.scope === 'all' ? capacityJson(d, r.target, r.offered_rate, r.sessions, r.concurrent_sessions === 1) : {}),
    })),
    client_warnings: [...openLoopClientWarnings(d), ...capacityWarnings(d, 'open-loop')],
    slo: ol.verdicts.map((v) => ({ target: v.target, scope: v.scope, slo_p99_ms: v.slo_p99_ms, sustained_rate: v.sustained_rate ?? 'none', missed: v.detail || null })),
    definitions: {
      latency: 'end − intended start: the schedule decides when a request should start; waiting for a free session counts (coordinated-omission corrected, as wrk2 and pgbench --rate)',
      service: 'end − actual start: the driver call alone (what a closed-loop tool reports)',
      late: 'actual start − intended start > late_threshold_ms',
      dropped: 'not sent because it was still unsent drop_grace_s after the level\'s schedule ended',
      achieved_rate: 'successful requests / max(the schedule\'s span, the level\'s wall time from its origin to the last completion); with Poisson arrivals a short level may schedule more or fewer requests than rate × duration',
      sustained_rate: 'highest offered rate whose level had corrected p99 ≤ slo_p99_ms, no drops and no failures; "none" when no tested rate did',
      queued: 'requests that found every session busy at their intended time and waited in the queue (sent or later dropped)',
      queue_wait: 'actual start − intended start of the sent requests (mean, p99, max): the time queued for a free session plus the dispatcher\'s own lag',
      client_load: 'the measuring process during the level (same for every scope of a level): CPU ÷ wall time in cores, event-loop delay p50/p99/max; "not recorded" for levels measured before per-level recording',
      client_warnings: 'CLIENT-BOUND? when the client used ≥ 0.8 core or its event-loop delay p99 was ≥ 5 ms; CLIENT-LATE when that p99 exceeded the late threshold; only for targets whose server runs in another process',
    },
  };
}
