import type { SqliteDb } from './sqlite.js';

/**
 * Tables derived by aggregate from the raw facts: never copied by a merge (aggregate recomputes
 * them over the merged samples). Every other table with a run_id column is a raw fact.
 */
const DERIVED = new Set([
  'aggregates', 'latency_spectrum', 'comparisons', 'gateway_overhead', 'noise_flags', 'sweep_aggregates', 'time_series',
  'open_loop_aggregates', 'open_loop_verdicts', 'ef_search_points', 'ef_search_matched', 'verification_summary',
]);
/** Raw facts every shard contributes (its own requests); the rest of a run's rows come from shard 1 alone. */
const PER_SHARD = new Set(['samples', 'gc_pauses', 'run_shards']);

/** One shard store to copy from: its file, its shard number, and the shift of its time line (ns). */
export interface ShardSource {
  file: string;
  shard: number;
  shiftNs: number;
}

async function runTables(db: SqliteDb): Promise<{ table: string; columns: string[] }[]> {
  const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
  const out: { table: string; columns: string[] }[] = [];
  for (const { name } of tables) {
    const columns = (await db.all<{ name: string }>(`SELECT name FROM pragma_table_info('${name}')`)).map((c) => c.name);
    if (columns.includes('run_id') && name !== 'stage_executions') out.push({ table: name, columns });
  }
  return out;
}

/**
 * Copy one run of N shard stores into `db` (an up-to-date store that does not hold the run):
 * from shard 1, the run's row, every raw-fact table but the per-shard ones, its warmup-phase
 * samples, and the run's dataset with its fingerprints; from every shard, its measure-phase samples and GC pauses with start_ns moved by
 * its shift onto the common time line, and its run_shards row with source_store set. One
 * transaction: a failed merge leaves nothing behind. The shard stores are only read.
 */
export async function copyShardRun(db: SqliteDb, runId: string, datasetId: string, sources: readonly ShardSource[]): Promise<void> {
  const tables = await runTables(db);
  const ordered = [...sources].sort((a, b) => a.shard - b.shard);
  // SQLite cannot ATTACH inside a transaction: every shard is attached first (at most
  // MAX_SHARDS_PER_MERGE, SQLite's default limit of attached databases).
  const attached: string[] = [];
  await db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (const s of ordered) {
      const alias = `shard${s.shard}`;
      await db.run(`ATTACH DATABASE ? AS ${alias}`, [s.file]);
      attached.push(alias);
    }
    await db.transaction(async () => {
      for (const s of ordered) {
        const from = `shard${s.shard}`;
        if (s.shard === 1) {
          await db.run(`INSERT OR IGNORE INTO main.datasets SELECT * FROM ${from}.datasets WHERE dataset_id = ?`, [datasetId]);
          await db.run(`INSERT OR IGNORE INTO main.dataset_fingerprints SELECT * FROM ${from}.dataset_fingerprints WHERE dataset_id = ?`, [datasetId]);
          // runs first, then the rest in creation order (rows that reference runs come after it).
          for (const { table, columns } of [...tables.filter((t) => t.table === 'runs'), ...tables.filter((t) => t.table !== 'runs')]) {
            if (DERIVED.has(table) || PER_SHARD.has(table)) continue;
            const cols = columns.join(', ');
            await db.run(`INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM ${from}.${table} WHERE run_id = ?`, [runId]);
          }
          // The session warmup before the timed loop is not sharded: shard 1's stands for all.
          await copyWithShift(db, tables, from, 'samples', "run_id = ? AND phase = 'warmup'", runId, 0);
        }
        await copyWithShift(db, tables, from, 'samples', "run_id = ? AND phase = 'measure'", runId, s.shiftNs);
        await copyWithShift(db, tables, from, 'gc_pauses', 'run_id = ?', runId, s.shiftNs);
        await copyWithShift(db, tables, from, 'run_shards', 'run_id = ?', runId, 0);
        await db.run('UPDATE main.run_shards SET source_store = ? WHERE run_id = ? AND shard = ?', [s.file, runId, s.shard]);
      }
    });
  } finally {
    for (const a of attached) await db.exec(`DETACH DATABASE ${a}`);
    await db.exec('PRAGMA foreign_keys = ON');
  }
}

/** SQLite's default limit of attached databases (SQLITE_MAX_ATTACHED), which copyShardRun needs one of per shard. */
export const MAX_SHARDS_PER_MERGE = 10;

async function copyWithShift(db: SqliteDb, tables: { table: string; columns: string[] }[], from: string, table: string, where: string, runId: string, shiftNs: number) {
  const columns = tables.find((t) => t.table === table)!.columns;
  const select = columns.map((c) => (c === 'start_ns' ? `start_ns + ${Math.round(shiftNs)}` : c)).join(', ');
  await db.run(`INSERT INTO main.${table} (${columns.join(', ')}) SELECT ${select} FROM ${from}.${table} WHERE ${where}`, [runId]);
}

/** The merged run's wall time: from the earliest shard origin to the last shard's end (ns). */
export async function setMergedWall(db: SqliteDb, runId: string, wallNs: number): Promise<void> {
  await db.run('UPDATE runs SET wall_ns = ? WHERE run_id = ?', [Math.round(wallNs), runId]);
}
