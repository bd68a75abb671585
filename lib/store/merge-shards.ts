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
const PER_SHARD = new Set(['samples', 'gc_pauses', 'run_shards', 'shard_levels']);
/** Load levels every shard ran a share of (lib/pipeline/shard-levels.ts): joined per level by copyShardedLevels. */
const SHARDED_LEVELS = new Set(['open_loop_samples', 'open_loop_levels', 'sweep_samples', 'sweep_levels']);

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
 * its shift onto the common time line, and its run_shards row with source_store set. The shard
 * stores are only read. One shard store is attached at a time (SQLite allows 10 attached
 * databases and cannot ATTACH inside a transaction), so any number of shards merges; each
 * shard's copy is one transaction. A merge that fails half-way leaves a partial run in `db`:
 * the merge stage therefore writes into a temporary copy of its output and renames it only on
 * success (stages/merge.ts).
 */
export async function copyShardRun(db: SqliteDb, runId: string, datasetId: string, sources: readonly ShardSource[]): Promise<void> {
  const tables = await runTables(db);
  const ordered = [...sources].sort((a, b) => a.shard - b.shard);
  await db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (const s of ordered) {
      const from = 'shard';
      await db.run(`ATTACH DATABASE ? AS ${from}`, [s.file]);
      try {
        await db.transaction(async () => {
          if (s.shard === 1) {
            await db.run(`INSERT OR IGNORE INTO main.datasets SELECT * FROM ${from}.datasets WHERE dataset_id = ?`, [datasetId]);
            await db.run(`INSERT OR IGNORE INTO main.dataset_fingerprints SELECT * FROM ${from}.dataset_fingerprints WHERE dataset_id = ?`, [datasetId]);
            // runs first, then the rest in creation order (rows that reference runs come after it).
            for (const { table, columns } of [...tables.filter((t) => t.table === 'runs'), ...tables.filter((t) => t.table !== 'runs')]) {
              if (DERIVED.has(table) || PER_SHARD.has(table) || SHARDED_LEVELS.has(table)) continue;
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
          await copyWithShift(db, tables, from, 'shard_levels', 'run_id = ?', runId, 0);
          await copyShardedLevels(db, tables, from, runId);
        });
      } finally {
        await db.exec(`DETACH DATABASE ${from}`);
      }
    }
  } finally {
    await db.exec('PRAGMA foreign_keys = ON');
  }
}

async function copyWithShift(db: SqliteDb, tables: { table: string; columns: string[] }[], from: string, table: string, where: string, runId: string, shiftNs: number) {
  const columns = tables.find((t) => t.table === table)!.columns;
  const select = columns.map((c) => (c === 'start_ns' ? `start_ns + ${Math.round(shiftNs)}` : c)).join(', ');
  await db.run(`INSERT INTO main.${table} (${columns.join(', ')}) SELECT ${select} FROM ${from}.${table} WHERE ${where}`, [runId]);
}

/**
 * A shard's open-loop levels, joined with those of the shards copied before it. Samples keep their
 * seq (the position in the one schedule: shards' seqs never collide) and their times, which count
 * from the level's shared instant on each shard's host clock, so they are not shifted; their
 * session numbers follow the earlier shards' (session k of the level's second shard becomes
 * sessions₁ + k). The level row adds up the shards' sessions and scheduled requests and keeps
 * the longest wall time, the deepest queue and the busiest shard's client load; aggregate then
 * recomputes every figure (achieved rate, late, dropped, percentiles) over the union of samples.
 * Concurrency-sweep levels likewise: every shard's samples, and the level's longest wall time
 * from its shared instant (QPS = all shards' successful requests ÷ that wall time).
 */
async function copyShardedLevels(db: SqliteDb, tables: { table: string; columns: string[] }[], from: string, runId: string): Promise<void> {
  const sampleCols = tables.find((t) => t.table === 'open_loop_samples')!.columns;
  const select = sampleCols.map((c) =>
    c === 'session'
      ? `s.session + coalesce((SELECT l.sessions FROM main.open_loop_levels l WHERE l.run_id = s.run_id AND l.target = s.target AND l.offered_rate = s.offered_rate), 0)`
      : `s.${c}`,
  );
  await db.run(`INSERT INTO main.open_loop_samples (${sampleCols.join(', ')}) SELECT ${select.join(', ')} FROM ${from}.open_loop_samples s WHERE s.run_id = ?`, [runId]);
  await joinLevelRows(db, tables, from, runId, 'open_loop_levels', ['run_id', 'target', 'offered_rate'], ['sessions', 'scheduled']);
  // The concurrency sweep: client numbers are the level's global ones (shard k mod N + 1 ran client k), so the samples copy as they are.
  const sweepCols = tables.find((t) => t.table === 'sweep_samples')!.columns.join(', ');
  await db.run(`INSERT INTO main.sweep_samples (${sweepCols}) SELECT ${sweepCols} FROM ${from}.sweep_samples WHERE run_id = ?`, [runId]);
  await joinLevelRows(db, tables, from, runId, 'sweep_levels', ['run_id', 'target', 'concurrency'], []);
}

/** Upsert a shard's level rows: `sum` columns add up, times, queues and client load keep the largest, the rest stay the first shard's. */
async function joinLevelRows(db: SqliteDb, tables: { table: string; columns: string[] }[], from: string, runId: string, table: string, key: string[], sumCols: string[]): Promise<void> {
  const cols = tables.find((t) => t.table === table)!.columns;
  const sum = new Set(sumCols);
  const max = new Set(['wall_ns', 'max_queue', 'client_cpu_cores', 'client_loop_delay_p50_ms', 'client_loop_delay_p99_ms', 'client_loop_delay_max_ms', 'client_loop_samples', 'client_wall_s']);
  const update = cols
    .filter((c) => sum.has(c) || max.has(c))
    .map((c) => (sum.has(c) ? `${c} = ${c} + excluded.${c}` : `${c} = max(coalesce(${c}, excluded.${c}), coalesce(excluded.${c}, ${c}))`));
  // "WHERE true": SQLite's rule for an upsert whose rows come from a SELECT.
  await db.run(
    `INSERT INTO main.${table} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${from}.${table} WHERE run_id = ? AND true ` +
      `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${update.join(', ')}`,
    [runId],
  );
}

/** The merged run's wall time: from the earliest shard origin to the last shard's end (ns). */
export async function setMergedWall(db: SqliteDb, runId: string, wallNs: number): Promise<void> {
  await db.run('UPDATE runs SET wall_ns = ? WHERE run_id = ?', [Math.round(wallNs), runId]);
}
