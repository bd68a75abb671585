import { LEVEL_CLIENT_LOAD_COLUMNS, levelClientLoadValues, type LevelClientLoadColumns } from './level-client-load.js';
import type { SqliteDb } from './sqlite.js';

/**
 * Open-loop fixed-rate mode (lib/measure/open-loop.ts). Samples and levels are raw facts written
 * by measure; aggregates and verdicts are derived by aggregate and can be dropped at any time.
 * Every time is ns from the level's origin.
 */
export interface OpenLoopSampleRow {
  run_id: string;
  target: string;
  offered_rate: number;
  /** Position in the level's schedule. */
  seq: number;
  /** Session that ran it; null when it was not sent. */
  session: number | null;
  query_id: string;
  category: string;
  intended_ns: number;
  /** Clock reading just before the driver call; null when not sent. */
  start_ns: number | null;
  /** Clock reading after the call resolved with all rows; null when not sent. */
  end_ns: number | null;
  /** 1 when every session was busy at its intended time and it waited in the queue. */
  queued: 0 | 1;
  /** 1 when start_ns − intended_ns > the level's late_threshold_ns. */
  late: 0 | 1;
  /** 1 when it was never sent: still unsent at the level's drop_after_ns. */
  dropped: 0 | 1;
  /** null when not sent. */
  ok: 0 | 1 | null;
  error: string | null;
}

/** With the client load while the level ran (LevelClientLoadColumns; NULL = not recorded). */
export interface OpenLoopLevelRow extends LevelClientLoadColumns {
  run_id: string;
  target: string;
  offered_rate: number;
  arrival: string;
  /** Sessions the driver had (max in flight). */
  sessions: number;
  /** 1 when the target runs sessions concurrently, 0 when they queue behind one (capability). */
  concurrent_sessions: number;
  scheduled: number;
  /** Nominal span of the schedule (duration, or requests ÷ rate), ns. */
  span_ns: number;
  /** Origin to the last completion, ns. */
  wall_ns: number;
  late_threshold_ns: number;
  drop_after_ns: number;
  max_queue: number;
}

export interface OpenLoopAggregateRow {
  run_id: string;
  target: string;
  offered_rate: number;
  /** category or 'all' */
  scope: string;
  scheduled: number;
  /** sent and finished (ok or failed) */
  completed: number;
  failed: number;
  late: number;
  dropped: number;
  /** successful requests ÷ max(schedule span, wall time to the last completion) */
  achieved_rate: number | null;
  /** corrected latency (end − intended) of the successful requests */
  p50_ms: number | null;
  p99_ms: number | null;
  /** service time (end − start) of the same requests: what a closed-loop tool would report */
  service_p50_ms: number | null;
  service_p99_ms: number | null;
  sessions: number;
  concurrent_sessions: number;
  /**
   * Requests that found every session busy and waited in the queue (sent or later dropped), and
   * the wait before start (start − intended) of every sent request: mean, p99, max (ms). null /
   * absent in aggregates written before these columns existed (re-run aggregate).
   */
  queued?: number | null;
  queue_wait_mean_ms?: number | null;
  queue_wait_p99_ms?: number | null;
  queue_wait_max_ms?: number | null;
}

export interface OpenLoopVerdictRow {
  run_id: string;
  target: string;
  scope: string;
  slo_p99_ms: number;
  /** highest offered rate meeting the SLO; null = none (even the lowest failed) */
  sustained_rate: number | null;
  /** offered rates that failed, with the reason, e.g. "200/s: p99 31.2 ms; 400/s: 12 dropped" */
  detail: string;
}

const S = ['run_id', 'target', 'offered_rate', 'seq', 'session', 'query_id', 'category', 'intended_ns', 'start_ns', 'end_ns', 'queued', 'late', 'dropped', 'ok', 'error'] as const;
const L = ['run_id', 'target', 'offered_rate', 'arrival', 'sessions', 'concurrent_sessions', 'scheduled', 'span_ns', 'wall_ns', 'late_threshold_ns', 'drop_after_ns', 'max_queue'] as const;
const A = [
  'run_id', 'target', 'offered_rate', 'scope', 'scheduled', 'completed', 'failed', 'late', 'dropped', 'achieved_rate',
  'p50_ms', 'p99_ms', 'service_p50_ms', 'service_p99_ms', 'sessions', 'concurrent_sessions',
  'queued', 'queue_wait_mean_ms', 'queue_wait_p99_ms', 'queue_wait_max_ms',
] as const;
const V = ['run_id', 'target', 'scope', 'slo_p99_ms', 'sustained_rate', 'detail'] as const;

export async function writeOpenLoopLevel(db: SqliteDb, level: OpenLoopLevelRow, samples: readonly OpenLoopSampleRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.insertMany('open_loop_samples', S, samples.map((r) => S.map((c) => r[c])), false);
    await db.insertMany('open_loop_levels', [...L, ...LEVEL_CLIENT_LOAD_COLUMNS], [[...L.map((c) => level[c]), ...levelClientLoadValues(level)]], false);
  });
}

export async function readOpenLoop(db: SqliteDb, runId: string): Promise<{ samples: OpenLoopSampleRow[]; levels: OpenLoopLevelRow[] }> {
  return {
    samples: await db.all<OpenLoopSampleRow>('SELECT * FROM open_loop_samples WHERE run_id = ? ORDER BY target, offered_rate, seq', [runId]),
    levels: await db.all<OpenLoopLevelRow>('SELECT * FROM open_loop_levels WHERE run_id = ? ORDER BY target, offered_rate', [runId]),
  };
}

export async function replaceOpenLoopAggregates(db: SqliteDb, runId: string, rows: readonly OpenLoopAggregateRow[], verdicts: readonly OpenLoopVerdictRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM open_loop_aggregates WHERE run_id = ?', [runId]);
    await db.run('DELETE FROM open_loop_verdicts WHERE run_id = ?', [runId]);
    await db.insertMany('open_loop_aggregates', A, rows.map((r) => A.map((c) => r[c] ?? null)), false);
    await db.insertMany('open_loop_verdicts', V, verdicts.map((r) => V.map((c) => r[c])), false);
  });
}

export async function readOpenLoopAggregates(db: SqliteDb, runId: string): Promise<{ rows: OpenLoopAggregateRow[]; verdicts: OpenLoopVerdictRow[] }> {
  return {
    rows: await db.all<OpenLoopAggregateRow>('SELECT * FROM open_loop_aggregates WHERE run_id = ? ORDER BY target, offered_rate, scope', [runId]),
    verdicts: await db.all<OpenLoopVerdictRow>('SELECT * FROM open_loop_verdicts WHERE run_id = ? ORDER BY target, scope', [runId]),
  };
}
