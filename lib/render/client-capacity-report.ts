import type { ClientCapacityRow } from '../store/client-capacity.js';
import type { ReportData } from './report-data.js';
import { NOT_RECORDED } from './level-client-report.js';

/**
 * The client's measured capacity in the report (table.txt, results.json, index.html), and the
 * levels at risk of being client-bound: a concurrency-sweep level whose wall QPS, or an open-loop
 * level whose offered rate, is above CAPACITY_RISK_SHARE of the capacity per thread × the client
 * threads that level used (min(threads, clients or sessions); 1 on a target queued behind one
 * session). Only targets whose engine runs in another process are flagged (an in-process engine's
 * work is client time by design; its capacity is shown all the same). Runs from before capacity
 * was recorded show "not recorded" and flag nothing. From stored rows only.
 */
export const CAPACITY_RISK_SHARE = 0.7;

export type CapacityLevelKind = 'sweep' | 'open-loop';

export interface CapacityShare {
  /** load ÷ (per-thread capacity × threads used) */
  share: number;
  threads: number;
  capacity: number;
  atRisk: boolean;
}

const capacityOf = (d: ReportData, target: string): ClientCapacityRow | undefined => d.clientCapacity?.find((c) => c.target === target);

/**
 * The share of the client's capacity a level used; null when the run did not record capacity.
 * load = the sweep level's wall QPS or the open-loop level's offered rate (requests/s).
 */
export function capacityShare(d: ReportData, target: string, load: number | null, clients: number, concurrent: boolean): CapacityShare | null {
  const cap = capacityOf(d, target);
  if (!cap || load === null) return null;
  const threads = concurrent ? Math.max(1, Math.min(cap.threads, clients)) : 1;
  const capacity = cap.per_thread_rps * threads;
  const share = load / capacity;
  return { share, threads, capacity, atRisk: cap.in_process === 0 && share > CAPACITY_RISK_SHARE };
}

const rate = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** One line on the run's capacity per target, or the "not recorded" line; nothing when the report data carries no capacity at all. */
export function capacityLine(d: ReportData): string | null {
  if (d.clientCapacity === undefined) return null;
  if (d.clientCapacity.length === 0) return `Client capacity: ${NOT_RECORDED} (run measured before it was recorded); no level checked against it.`;
  const parts = d.clientCapacity.map(
    (c) => `${c.target} ${rate(c.per_thread_rps)}/s per thread${c.threads > 1 ? ` (${c.threads} threads)` : ''}${c.in_process ? ' (engine in this process: not flagged)' : ''}`,
  );
  return (
    `Client capacity (a bare loop of \`${d.clientCapacity[0]!.statement}\` on one session at the start of measure, ${(d.clientCapacity[0]!.wall_ns / 1e9).toFixed(1)} s, ` +
    `requests ÷ client CPU s: what one busy client thread can issue): ${parts.join('; ')}. A level above ${pct(CAPACITY_RISK_SHARE)} of capacity × the threads it used is flagged CLIENT-CAPACITY?.`
  );
}

/** CLIENT-CAPACITY? lines, one per level at risk. */
export function capacityWarnings(d: ReportData, kind: CapacityLevelKind): string[] {
  const out: string[] = [];
  if (kind === 'sweep') {
    for (const r of d.sweep.filter((x) => x.scope === 'all')) {
      const s = capacityShare(d, r.target, r.qps_wall, r.concurrency, r.concurrent_sessions === 1);
      if (s?.atRisk) out.push(`CLIENT-CAPACITY? ${r.target} × ${r.concurrency} clients: ${rate(r.qps_wall!)} QPS is ${pct(s.share)} of the client's capacity (${threadsText(s)}) — at risk of being client-bound.`);
    }
  } else {
    for (const r of (d.openLoop?.rows ?? []).filter((x) => x.scope === 'all')) {
      const s = capacityShare(d, r.target, r.offered_rate, r.sessions, r.concurrent_sessions === 1);
      if (s?.atRisk) out.push(`CLIENT-CAPACITY? ${r.target} at ${r.offered_rate}/s offered: ${pct(s.share)} of the client's capacity (${threadsText(s)}) — at risk of being client-bound.`);
    }
  }
  return out;
}

const threadsText = (s: CapacityShare) => `${s.threads} thread${s.threads === 1 ? '' : 's'} × ${rate(s.capacity / s.threads)}/s`;

/** results.json, per level: the share of capacity used and the flag, or "not recorded". */
export function capacityJson(d: ReportData, target: string, load: number | null, clients: number, concurrent: boolean): Record<string, unknown> {
  if (d.clientCapacity === undefined) return {};
  const s = capacityShare(d, target, load, clients, concurrent);
  if (!s) return { client_capacity_share: NOT_RECORDED, client_bound_risk: NOT_RECORDED };
  return { client_capacity_share: Math.round(s.share * 1000) / 1000, client_bound_risk: s.atRisk };
}

/** results.json → client_capacity: per target, or "not recorded". */
export function clientCapacityJson(d: ReportData): unknown {
  if (!d.clientCapacity?.length) return NOT_RECORDED;
  return {
    statement: d.clientCapacity[0]!.statement,
    risk_share: CAPACITY_RISK_SHARE,
    definition:
      'per_thread_rps = requests ÷ client CPU seconds of a bare closed loop of the trivial statement on one session at the start of measure (what one busy client thread can issue); ' +
      'a level is at risk of being client-bound when its load (sweep: wall QPS; open loop: offered rate) exceeds risk_share × per_thread_rps × the client threads it used; in-process engines are not flagged',
    targets: d.clientCapacity.map((c) => ({
      target: c.target, per_thread_rps: Math.round(c.per_thread_rps), wall_rps: Math.round(c.wall_rps), threads: c.threads, requests: c.requests,
      wall_s: Math.round(c.wall_ns / 1e6) / 1e3, cpu_s: Math.round(c.cpu_ns / 1e6) / 1e3, in_process: c.in_process === 1,
    })),
  };
}

/** table.txt lines under the sweep or open-loop table: the capacity line and the flags. */
export function capacityTextLines(d: ReportData, kind: CapacityLevelKind): string[] {
  const line = capacityLine(d);
  return line === null ? [] : [`  ${line}`, ...capacityWarnings(d, kind).map((w) => `!!! ${w}`)];
}
