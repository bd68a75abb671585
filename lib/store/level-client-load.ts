import type { ClientLoad } from '../measure/client-load.js';
import type { SqliteDb } from './sqlite.js';

/**
 * The client load of one concurrency-sweep level or one open-loop rate level (raw facts written by
 * measure beside the level's row, lib/measure/client-load.ts): columns of sweep_levels and
 * open_loop_levels. NULL (or absent) = not recorded — runs measured before per-level recording.
 */
export interface LevelClientLoadColumns {
  /** Process CPU (user + system) ÷ the level's wall time: 1.0 = one core busy throughout. */
  client_cpu_cores?: number | null;
  client_loop_delay_p50_ms?: number | null;
  client_loop_delay_p99_ms?: number | null;
  client_loop_delay_max_ms?: number | null;
  /** Event-loop timer runs recorded during the level; 0 = the delay was not observed (level shorter than the 20 ms resolution). */
  client_loop_samples?: number | null;
  /** Wall time the watcher covered (the level, first request to last completion), s. */
  client_wall_s?: number | null;
  /** 1 when the target's engine runs in the measuring process (capability inProcess), else 0. */
  client_in_process?: number | null;
}

export const LEVEL_CLIENT_LOAD_COLUMNS = [
  'client_cpu_cores', 'client_loop_delay_p50_ms', 'client_loop_delay_p99_ms', 'client_loop_delay_max_ms', 'client_loop_samples', 'client_wall_s', 'client_in_process',
] as const satisfies readonly (keyof LevelClientLoadColumns)[];

/** The columns for a level whose load was watched. */
export function levelClientLoadColumns(load: ClientLoad, inProcess: boolean): Required<LevelClientLoadColumns> {
  return {
    client_cpu_cores: load.cpu_cores,
    client_loop_delay_p50_ms: load.event_loop_delay_p50_ms,
    client_loop_delay_p99_ms: load.event_loop_delay_p99_ms,
    client_loop_delay_max_ms: load.event_loop_delay_max_ms,
    client_loop_samples: load.event_loop_samples ?? null,
    client_wall_s: load.wall_s,
    client_in_process: inProcess ? 1 : 0,
  };
}

/** The stored values in column order, NULL for what a row does not have. */
export function levelClientLoadValues(row: LevelClientLoadColumns): (number | null)[] {
  return LEVEL_CLIENT_LOAD_COLUMNS.map((c) => row[c] ?? null);
}

/** The load a level row holds, or null when it was not recorded. */
export function clientLoadOf(row: LevelClientLoadColumns): ClientLoad | null {
  const { client_cpu_cores: cpu, client_loop_delay_p50_ms: p50, client_loop_delay_p99_ms: p99, client_loop_delay_max_ms: max, client_wall_s: wall } = row;
  if (cpu == null || p50 == null || p99 == null || max == null || wall == null) return null;
  const samples = row.client_loop_samples == null ? {} : { event_loop_samples: row.client_loop_samples };
  return { cpu_cores: cpu, event_loop_delay_p50_ms: p50, event_loop_delay_p99_ms: p99, event_loop_delay_max_ms: max, ...samples, wall_s: wall };
}

/** One level's client load as the report shows it. */
export interface LevelClientLoad {
  target: string;
  /** Clients (concurrency sweep) or offered requests/s (open loop). */
  level: number;
  /** null = not recorded (a run from before per-level recording). */
  load: ClientLoad | null;
  /** null = not recorded. */
  inProcess: boolean | null;
  /** Open loop only: the level's late threshold (start − intended), ms. */
  lateThresholdMs?: number;
}

type Row = LevelClientLoadColumns & { target: string; level: number; late_threshold_ns?: number };

/** A level row (sweep: level = concurrency; open loop: level = offered_rate, with its late threshold) as the report shows it. */
export const levelClientLoad = (r: Row): LevelClientLoad => ({
  target: r.target,
  level: r.level,
  load: clientLoadOf(r),
  inProcess: r.client_in_process == null ? null : r.client_in_process === 1,
  ...(r.late_threshold_ns === undefined ? {} : { lateThresholdMs: r.late_threshold_ns / 1e6 }),
});

/**
 * Per-level client load of a run, from the level rows only (no samples): what render needs for the
 * client columns and warnings. Works on every store the current schema opens (old rows: NULL).
 */
export async function readLevelClientLoads(db: SqliteDb, runId: string): Promise<{ sweep: LevelClientLoad[]; openLoop: LevelClientLoad[] }> {
  const cols = LEVEL_CLIENT_LOAD_COLUMNS.join(', ');
  const sweep = await db.all<Row>(`SELECT target, concurrency AS level, ${cols} FROM sweep_levels WHERE run_id = ? ORDER BY target, concurrency`, [runId]);
  const openLoop = await db.all<Row>(`SELECT target, offered_rate AS level, late_threshold_ns, ${cols} FROM open_loop_levels WHERE run_id = ? ORDER BY target, offered_rate`, [runId]);
  return { sweep: sweep.map(levelClientLoad), openLoop: openLoop.map(levelClientLoad) };
}
