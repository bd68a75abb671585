import { LEVEL_CLIENT_LOAD_COLUMNS, levelClientLoadValues, type LevelClientLoadColumns } from './level-client-load.js';
import type { SqliteDb } from './sqlite.js';

export interface SweepSampleRow {
  run_id: string;
  target: string;
  concurrency: number;
  client: number;
  query_id: string;
  category: string;
  start_ns: number;
  elapsed_ns: number;
  ok: 0 | 1;
  error: string | null;
}

/** With the client load while the level ran (LevelClientLoadColumns; NULL = not recorded). */
export interface SweepLevelRow extends LevelClientLoadColumns {
  run_id: string;
  target: string;
  concurrency: number;
  wall_ns: number;
  /** 1 when the target runs sessions concurrently, 0 when they queue behind one (capability). */
  concurrent_sessions: number;
}

export interface SweepAggregateRow {
  run_id: string;
  target: string;
  concurrency: number;
  /** category or 'all' */
  scope: string;
  count: number;
  failed: number;
  p50_ms: number | null;
  p99_ms: number | null;
  /** successful requests of the level ÷ its wall time */
  qps_wall: number | null;
  concurrent_sessions: number;
}

const S = ['run_id', 'target', 'concurrency', 'client', 'query_id', 'category', 'start_ns', 'elapsed_ns', 'ok', 'error'] as const;
const L = ['run_id', 'target', 'concurrency', 'wall_ns', 'concurrent_sessions'] as const;
const A = ['run_id', 'target', 'concurrency', 'scope', 'count', 'failed', 'p50_ms', 'p99_ms', 'qps_wall', 'concurrent_sessions'] as const;

export async function writeSweepLevel(db: SqliteDb, level: SweepLevelRow, samples: readonly SweepSampleRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.insertMany('sweep_samples', S, samples.map((r) => S.map((c) => r[c])), false);
    await db.insertMany('sweep_levels', [...L, ...LEVEL_CLIENT_LOAD_COLUMNS], [[...L.map((c) => level[c]), ...levelClientLoadValues(level)]], false);
  });
}

export async function readSweep(db: SqliteDb, runId: string): Promise<{ samples: SweepSampleRow[]; levels: SweepLevelRow[] }> {
  return {
    samples: await db.all<SweepSampleRow>('SELECT * FROM sweep_samples WHERE run_id = ? ORDER BY target, concurrency, start_ns', [runId]),
    levels: await db.all<SweepLevelRow>('SELECT * FROM sweep_levels WHERE run_id = ? ORDER BY target, concurrency', [runId]),
  };
}

export async function replaceSweepAggregates(db: SqliteDb, runId: string, rows: readonly SweepAggregateRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM sweep_aggregates WHERE run_id = ?', [runId]);
    await db.insertMany('sweep_aggregates', A, rows.map((r) => A.map((c) => r[c])), false);
  });
}

export async function readSweepAggregates(db: SqliteDb, runId: string): Promise<SweepAggregateRow[]> {
  return db.all<SweepAggregateRow>('SELECT * FROM sweep_aggregates WHERE run_id = ? ORDER BY target, concurrency, scope', [runId]);
}
