import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StageContext } from '../cli/run-stage.js';
import { ConfigError } from '../errors.js';
import { shardLevelLines, shardLines, originOnDatabaseClock } from '../render/shard-report.js';
import { copyShardRun, setMergedWall } from '../store/merge-shards.js';
import { openStore } from '../store/open.js';
import { readRunShards, type RunShardRow } from '../store/run-shards.js';
import { getRun, type RunRow } from '../store/runs.js';
import { readShardLevels, type ShardLevelRow } from '../store/shard-levels.js';
import { levelName } from './shard-levels.js';

interface ShardStore {
  file: string;
  row: RunShardRow;
  run: RunRow;
  levels: ShardLevelRow[];
}

const refuse = (problem: string): never => {
  throw new ConfigError([problem], 'merge');
};

/** The one shard a store holds: of --run if given, else its only sharded run. Refuses naming the store otherwise. */
async function readShardStore(file: string, runId: string | undefined): Promise<ShardStore> {
  if (!existsSync(file)) refuse(`store "${file}": no such file (give the stores written by \`measure --shard i/N\`)`);
  const db = await openStore(file);
  try {
    const ids = runId ? [runId] : (await db.all<{ run_id: string }>('SELECT DISTINCT run_id FROM run_shards ORDER BY run_id')).map((r) => r.run_id);
    if (ids.length === 0) refuse(`store "${file}": holds no shard (written by \`measure --shard i/N\`? an unsharded run cannot be merged)`);
    if (ids.length > 1) refuse(`store "${file}": holds shards of ${ids.length} runs (${ids.join(', ')}); choose one with --run`);
    const rows = await readRunShards(db, ids[0]!);
    if (rows.length === 0) refuse(`store "${file}": holds no shard of run ${ids[0]}`);
    if (rows.length > 1) refuse(`store "${file}": holds ${rows.length} shards of run ${ids[0]} (already a merged store?); merge the shard stores themselves`);
    const run = (await getRun(db, ids[0]!))!;
    if (run.status !== 'complete') refuse(`store "${file}": shard ${rows[0]!.shard}/${rows[0]!.shards} of run ${run.run_id} is ${run.status}, not complete; run that shard again (a partial set is never merged)`);
    return { file, row: rows[0]!, run, levels: await readShardLevels(db, ids[0]!) };
  } finally {
    await db.close();
  }
}

/**
 * merge: the shard stores of one run (--stores, each written by `measure --shard i/N`) into the
 * store of --out, as one run that aggregate and render read as usual. Refused (exit 2, naming the
 * store and the field) unless every store holds a complete shard of the same run id with the same
 * config and dataset fingerprints and the same N, and shards 1..N are each there exactly once.
 * Each shard's samples are placed on one time line: its timed-loop origin on the database clock
 * (host clock + measured offset), counted from the earliest shard's. Logs each shard's clock
 * against the others, warning when they differ by more than the SLO's resolution (rate_late_ms).
 */
export async function merge(ctx: StageContext): Promise<void> {
  const files = (ctx.flags.stores ?? []).map((f) => resolve(ctx.root, f));
  if (files.length === 0) refuse('--stores: give the shard stores to merge (make merge STORES="a.sqlite b.sqlite" OUT=merged.sqlite)');
  const out = resolve(ctx.root, ctx.config.store);
  if (files.includes(out)) refuse(`store "${out}" is both a shard and the output (--out); write the merge to a new store`);
  const shards: ShardStore[] = [];
  for (const f of files) shards.push(await readShardStore(f, ctx.flags.run));
  const ref = shards[0]!;
  for (const s of shards.slice(1)) {
    for (const field of ['run_id', 'config_fingerprint', 'dataset_fingerprint', 'shards', 'start_at_ms'] as const) {
      if (s.row[field] !== ref.row[field]) {
        refuse(`store "${s.file}" (shard ${s.row.shard}/${s.row.shards}): ${field} ${String(s.row[field])} differs from ${String(ref.row[field])} of store "${ref.file}"; every shard must be the same run (same config, dataset, --shard N and --start-at)`);
      }
    }
  }
  // Every shard ran the same sharded levels (sweep, open loop) at the same instants (the same --levels-at), or none.
  const levelKeys = (s: ShardStore) => s.levels.map((l) => `${levelName(l.phase, l.target, l.level)} from ${l.planned_at_ms}`);
  for (const s of shards.slice(1)) {
    const [mine, theirs] = [levelKeys(s), levelKeys(ref)];
    const only = mine.filter((k) => !theirs.includes(k));
    const missingHere = theirs.filter((k) => !mine.includes(k));
    if (only.length || missingHere.length) {
      refuse(
        `store "${s.file}" (shard ${s.row.shard}/${s.row.shards}): its sharded levels differ from those of store "${ref.file}" ` +
          `(${missingHere.length ? `not run here: ${missingHere.join(', ')}` : ''}${only.length && missingHere.length ? '; ' : ''}${only.length ? `run only here: ${only.join(', ')}` : ''}); ` +
          'every shard must run the sweep and the open loop with the same --levels-at, or none',
      );
    }
  }
  const n = ref.row.shards;
  const byShard = new Map<number, ShardStore>();
  for (const s of shards) {
    const seen = byShard.get(s.row.shard);
    if (seen) refuse(`store "${s.file}": shard ${s.row.shard}/${n} is also in store "${seen.file}"; give each shard once`);
    byShard.set(s.row.shard, s);
  }
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((k) => !byShard.has(k));
  if (missing.length) {
    refuse(`run ${ref.row.run_id}: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n} missing (given: ${shards.map((s) => `shard ${s.row.shard} in "${s.file}"`).join(', ')}); a partial set is never merged`);
  }
  const db = ctx.store;
  if (await getRun(db, ref.row.run_id)) refuse(`store "${out}" already holds run ${ref.row.run_id}; merge into a new store (--out)`);

  const ordered = [...byShard.values()].sort((a, b) => a.row.shard - b.row.shard);
  const origins = ordered.map((s) => originOnDatabaseClock(s.row) ?? s.row.start_at_ms);
  const first = Math.min(...origins);
  const sources = ordered.map((s, k) => ({ file: s.file, shard: s.row.shard, shiftNs: (origins[k]! - first) * 1e6 }));
  await copyShardRun(db, ref.row.run_id, ref.run.dataset_id, sources);
  const wallNs = Math.max(...ordered.map((s, k) => sources[k]!.shiftNs + (s.run.wall_ns ?? 0)));
  await setMergedWall(db, ref.row.run_id, wallNs);

  const lateMs = (JSON.parse(ref.run.config_json) as { rate_late_ms?: number }).rate_late_ms ?? 1;
  const { lines, warnings } = shardLines(ordered.map((s) => s.row), lateMs);
  const levels = shardLevelLines(ordered.flatMap((s) => s.levels), lateMs);
  for (const l of [...lines, ...levels.lines]) ctx.log(l);
  for (const w of [...warnings, ...levels.warnings]) ctx.log(`warning: ${w}`);
  ctx.log(`run ${ref.row.run_id}: ${n} shard(s) merged into ${out}. Next: make aggregate render ARGS="--store ${ctx.config.store}"`);
}
