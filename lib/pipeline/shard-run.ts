import type { StageContext } from '../cli/run-stage.js';
import type { ResolvedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { HANDOVER_MS, START_AT_TOLERANCE_MS, databaseClockOffset, hostName, sleepUntil, startAtLagMs, type ClockOffset } from '../measure/shard-clock.js';
import { updateRunShard, writeRunShard } from '../store/run-shards.js';
import { getRun } from '../store/runs.js';
import { configFingerprint, datasetFingerprint, shardRunId } from './shard-identity.js';
import { onTarget, type OpenTarget } from './targets.js';

/** A measure run as shard `index` of `count` (`measure --shard i/N --start-at MS`, docs/shards.md). */
export interface ShardPlan {
  index: number;
  count: number;
  startAtMs: number;
  /** --levels-at: the first sharded open-loop level's instant (epoch ms); absent = the shard skips the open loop. */
  levelsAtMs?: number;
  runId: string;
  configFp: string;
}

/**
 * Checked before the run is created, so a refused shard writes nothing (exit 2): --start-at no
 * more than START_AT_TOLERANCE_MS in the past on this host's clock, and the shard's run id not
 * already in this store (the same shard run twice into one store).
 */
export async function prepareShard(ctx: StageContext): Promise<ShardPlan | undefined> {
  const { shard, startAtMs } = ctx.flags;
  if (!shard || startAtMs === undefined) return undefined;
  // Each shard undoes the write queries when it ends (lib/pipeline/write-undo.ts): while other shards
  // still write, that would delete their rows and fail its own fingerprint check.
  if (ctx.config.writes) {
    throw new ConfigError([`--shard ${shard.index}/${shard.count}: the write category (writes: true) cannot be sharded, as every shard undoes all writes when it ends; run the writes in an unsharded measure (docs/shards.md)`], 'command line');
  }
  const lag = startAtLagMs(startAtMs);
  if (lag > START_AT_TOLERANCE_MS) {
    throw new ConfigError(
      [`--start-at ${startAtMs} (${new Date(startAtMs).toISOString()}) is ${(lag / 1000).toFixed(1)} s in the past on this host (${hostName()}); ` +
        `give every shard the same instant in the future, e.g. --start-at $(( $(date +%s) + 120 ))000`],
      'command line',
    );
  }
  const configFp = configFingerprint(ctx.config);
  const runId = shardRunId(startAtMs, configFp);
  if (await getRun(ctx.store, runId)) {
    throw new ConfigError([`--shard ${shard.index}/${shard.count} --start-at ${startAtMs}: the store "${ctx.config.store}" already holds run ${runId}; give each shard its own store, and each sharded run its own --start-at`], 'command line');
  }
  return { ...shard, startAtMs, runId, configFp, ...(ctx.flags.levelsAtMs !== undefined ? { levelsAtMs: ctx.flags.levelsAtMs } : {}) };
}

/**
 * What a shard does not run, one log line each (docs/shards.md, "What is sharded"): the ef_search
 * sweep is not sharded; the concurrency sweep and the open loop are, given --levels-at.
 */
export function shardSkips(c: ResolvedConfig, s: ShardPlan): string[] {
  const id = `shard ${s.index}/${s.count}`;
  const out: string[] = [];
  if (c.concurrency.length && s.levelsAtMs === undefined) out.push(`${id}: concurrency sweep not run (give every shard the same --levels-at MS, after every shard's timed loop, to run its share; docs/shards.md)`);
  if (c.ef_search.length) out.push(`${id}: ef_search sweep not run (it measures one client's QPS at each ef_search; split over shards it would measure N concurrent clients instead: run it in an unsharded measure; docs/shards.md)`);
  if (c.rate.length && s.levelsAtMs === undefined) out.push(`${id}: open loop not run (give every shard the same --levels-at MS, after every shard's timed loop, to run its share; docs/shards.md)`);
  return out;
}

const offsetText = (o: ClockOffset) => `${o.offset_ms >= 0 ? '+' : ''}${o.offset_ms.toFixed(3)} ms (round trip ${o.rtt_ms.toFixed(3)} ms)`;

/** The shard's row (fingerprints, host, the clock offset at its start), once the sessions are open. */
export async function shardIdentity(ctx: StageContext, s: ShardPlan, targets: readonly OpenTarget[]): Promise<void> {
  const t = targets[0]!;
  const clock = await onTarget(t, 'clock offset', () => databaseClockOffset(t.session, t.module.dialect.server_clock));
  await writeRunShard(ctx.store, {
    run_id: s.runId, shard: s.index, shards: s.count, start_at_ms: s.startAtMs, host: hostName(),
    config_fingerprint: s.configFp, dataset_fingerprint: await datasetFingerprint(ctx.store, ctx.config), origin_epoch_ms: null,
    clock_target: t.id, clock_offset_start_ms: clock.offset_ms, clock_rtt_start_ms: clock.rtt_ms, clock_offset_end_ms: null, clock_rtt_end_ms: null, source_store: null,
  });
  ctx.log(`shard ${s.index}/${s.count} on ${hostName()}: ${t.id} clock − host clock ${offsetText(clock)}`);
}

/**
 * Sleep until HANDOVER_MS before --start-at, after the untimed preparation; runPhase waits out the
 * rest (its startAtEpochMs) once its own set-up is done. A preparation that ran past the instant
 * is logged (the merge reports each shard's origin).
 */
export async function startShardClock(ctx: StageContext, s: ShardPlan): Promise<void> {
  const { lateMs, slept } = await sleepUntil(s.startAtMs - HANDOVER_MS, ctx.signal);
  if (!slept && lateMs > HANDOVER_MS) ctx.log(`warning: shard ${s.index}/${s.count}: the untimed preparation ran ${lateMs - HANDOVER_MS} ms past --start-at; its timed loop starts late (give a later --start-at)`);
}

/** After the timed loop: its origin on the host clock, and the clock offset again. */
export async function finishShard(ctx: StageContext, s: ShardPlan, targets: readonly OpenTarget[], originEpochMs: number): Promise<void> {
  const t = targets[0]!;
  const clock = await onTarget(t, 'clock offset', () => databaseClockOffset(t.session, t.module.dialect.server_clock));
  await updateRunShard(ctx.store, s.runId, s.index, { origin_epoch_ms: Math.round(originEpochMs * 1000) / 1000, clock_offset_end_ms: clock.offset_ms, clock_rtt_end_ms: clock.rtt_ms });
  ctx.log(`shard ${s.index}/${s.count}: timed loop started ${(originEpochMs - s.startAtMs).toFixed(3)} ms after --start-at (host clock)`);
  ctx.log(`shard ${s.index}/${s.count}: ${t.id} clock − host clock at the end ${offsetText(clock)}`);
}
