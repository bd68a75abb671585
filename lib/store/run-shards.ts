import type { SqliteDb, SqlValue } from './sqlite.js';

/** One shard of a run measured across hosts (table run_shards, lib/store/schema.ts). */
export interface RunShardRow {
  run_id: string;
  shard: number;
  shards: number;
  start_at_ms: number;
  host: string;
  config_fingerprint: string;
  dataset_fingerprint: string;
  origin_epoch_ms: number | null;
  clock_target: string | null;
  clock_offset_start_ms: number | null;
  clock_rtt_start_ms: number | null;
  clock_offset_end_ms: number | null;
  clock_rtt_end_ms: number | null;
  source_store: string | null;
}

const C = [
  'run_id', 'shard', 'shards', 'start_at_ms', 'host', 'config_fingerprint', 'dataset_fingerprint', 'origin_epoch_ms',
  'clock_target', 'clock_offset_start_ms', 'clock_rtt_start_ms', 'clock_offset_end_ms', 'clock_rtt_end_ms', 'source_store',
] as const;

export async function writeRunShard(db: SqliteDb, row: RunShardRow): Promise<void> {
  await db.insertMany('run_shards', C, [C.map((c) => row[c] as SqlValue)]);
}

/** Update the fields known only after the timed loops (origin, the end clock offset). */
export async function updateRunShard(db: SqliteDb, runId: string, shard: number, patch: Partial<Pick<RunShardRow, 'origin_epoch_ms' | 'clock_offset_end_ms' | 'clock_rtt_end_ms'>>): Promise<void> {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  if (keys.length === 0) return;
  await db.run(`UPDATE run_shards SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE run_id = ? AND shard = ?`, [...keys.map((k) => patch[k] ?? null), runId, shard]);
}

/** The shards of a run, by shard number; empty for a run that was not sharded (or an older store). */
export async function readRunShards(db: SqliteDb, runId: string): Promise<RunShardRow[]> {
  return db.all<RunShardRow>('SELECT * FROM run_shards WHERE run_id = ? ORDER BY shard', [runId]);
}
