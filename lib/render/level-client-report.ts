import type { ClientLoad } from '../measure/client-load.js';
import type { LevelClientLoad } from '../store/level-client-load.js';
import type { OpenLoopAggregateRow } from '../store/open-loop.js';
import { levelsClientWarnings, type LoadLevelKind } from '../verify/level-client-warnings.js';
import type { ReportData } from './report-data.js';

/**
 * The per-level client load in the report (table.txt, results.json, index.html): the client
 * columns of the concurrency-sweep and open-loop tables, their warnings, and the wait for a free
 * session. From the stored level rows and aggregates only. Levels measured before per-level
 * recording show "not recorded".
 */
export const NOT_RECORDED = 'not recorded';

export const SWEEP_CONNECTION_WAIT_NOTE =
  'Wait for a free connection: none by construction — each client owns its session for the whole level (on targets marked "queued behind one session" the wait for the one engine is inside the measured latency).';

export const CLIENT_COLUMNS_NOTE =
  'Client CPU = the measuring process\'s CPU ÷ the level\'s wall time (100% = one core); Loop p99 = its event-loop delay p99 (ms) during the level, sampled every 20 ms (n/a: the level was too short to sample). ' +
  'A warning is raised at ≥ 80% of a core or ≥ 5 ms, only for targets whose server runs in another process (an in-process engine\'s work is client time by design).';

/**
 * CLIENT_COLUMNS_NOTE, plus what the columns mean for a run with client_threads > 1 (runs without
 * the key, all runs before it existed, get the note unchanged).
 */
export function clientColumnsNote(d: Pick<ReportData, 'config'>): string {
  const threads = (d.config as { client_threads?: number }).client_threads ?? 1;
  return threads > 1
    ? `${CLIENT_COLUMNS_NOTE} This run used client_threads ${threads}: on targets with concurrent sessions whose server runs in another process, each level's sessions were split over up to ${threads} worker threads, and Client CPU is the busiest thread's event-loop utilisation (the share of the level its loop was not idle; 100% = that thread was saturated), Loop p99 the worst thread's.`
    : CLIENT_COLUMNS_NOTE;
}

export const QUEUE_WAIT_NOTE =
  'Queued = requests that found every session busy and waited for one; Wait = actual start − intended start of the sent requests (mean/p99/max, ms): the time queued for a free session plus the dispatcher\'s own lag.';

const find = (rows: readonly LevelClientLoad[] | undefined, target: string, level: number) => rows?.find((l) => l.target === target && l.level === level);

export function levelLoad(d: ReportData, kind: LoadLevelKind, target: string, level: number): ClientLoad | null {
  return find(kind === 'sweep' ? d.levelClientLoad?.sweep : d.levelClientLoad?.openLoop, target, level)?.load ?? null;
}

/** [Client CPU, Loop p99 (ms)] cells of one level, "not recorded" when absent. */
export function clientCells(d: ReportData, kind: LoadLevelKind, target: string, level: number): [string, string] {
  const l = levelLoad(d, kind, target, level);
  if (!l) return [NOT_RECORDED, NOT_RECORDED];
  return [`${Math.round(l.cpu_cores * 100)}%`, l.event_loop_samples === 0 ? 'n/a' : l.event_loop_delay_p99_ms.toFixed(1)];
}

export function sweepClientWarnings(d: ReportData): string[] {
  return levelsClientWarnings('sweep', d.levelClientLoad?.sweep ?? []);
}

export function openLoopClientWarnings(d: ReportData): string[] {
  return levelsClientWarnings('open-loop', d.levelClientLoad?.openLoop ?? []);
}

/** The Queued cell (queued/scheduled) and the Wait cell (mean/p99/max ms); n/a for aggregates from before these columns. */
export function queueCells(r: OpenLoopAggregateRow): [string, string] {
  const queued = r.queued == null ? 'n/a' : `${r.queued}/${r.scheduled}`;
  const f = (x: number | null | undefined) => (x == null ? 'n/a' : x.toFixed(3));
  const wait = r.queue_wait_mean_ms == null ? 'n/a' : `${f(r.queue_wait_mean_ms)}/${f(r.queue_wait_p99_ms)}/${f(r.queue_wait_max_ms)}`;
  return [queued, wait];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** results.json: one level's client load, or "not recorded". */
export function clientLoadJson(d: ReportData, kind: LoadLevelKind, target: string, level: number): Record<string, number> | string {
  const l = levelLoad(d, kind, target, level);
  if (!l) return NOT_RECORDED;
  return {
    cpu_cores: l.cpu_cores, event_loop_delay_p50_ms: r3(l.event_loop_delay_p50_ms), event_loop_delay_p99_ms: r3(l.event_loop_delay_p99_ms), event_loop_delay_max_ms: r3(l.event_loop_delay_max_ms),
    ...(l.event_loop_samples === undefined ? {} : { event_loop_samples: l.event_loop_samples }), wall_s: l.wall_s,
  };
}

/** results.json: the open-loop wait columns of one aggregate row. */
export function queueWaitJson(r: OpenLoopAggregateRow): Record<string, number | null> {
  const n = (x: number | null | undefined) => (x == null ? null : r3(x));
  return { queued: r.queued ?? null, queue_wait_mean_ms: n(r.queue_wait_mean_ms), queue_wait_p99_ms: n(r.queue_wait_p99_ms), queue_wait_max_ms: n(r.queue_wait_max_ms) };
}
