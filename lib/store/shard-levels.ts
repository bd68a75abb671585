import type { SqliteDb } from './sqlite.js';

/** One load level a shard ran at a shared instant (table shard_levels, lib/store/schema.ts). */
export interface ShardLevelRow {
  run_id: string;
  shard: number;
  /** 'open_loop' (the only sharded load model so far). */
  phase: string;
  target: string;
  /** The open loop's offered rate (requests/s). */
  level: number;
  /** The level's shared instant, epoch ms (lib/pipeline/shard-levels.ts). */
  planned_at_ms: number;
  /** How far past planned_at_ms this shard was ready (ms, host clock; ≤ 0 = on time). */
  late_ms: number;
}

export async function writeShardLevel(db: SqliteDb, r: ShardLevelRow): Promise<void> {
  await db.run('INSERT INTO shard_levels (run_id, shard, phase, target, level, planned_at_ms, late_ms) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    r.run_id, r.shard, r.phase, r.target, r.level, r.planned_at_ms, r.late_ms,
  ]);
}

/** Every shard's levels of a run, in shard order, each shard's in run order; empty for older stores' runs. */
export async function readShardLevels(db: SqliteDb, runId: string): Promise<ShardLevelRow[]> {
  return db.all<ShardLevelRow>('SELECT * FROM shard_levels WHERE run_id = ? ORDER BY shard, planned_at_ms, phase, target, level', [runId]);
}
