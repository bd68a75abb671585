import type { StageContext } from '../cli/run-stage.js';
import { prepareCalls } from '../measure/prepare.js';
import { runSweepLevel, sweepLevelRows } from '../measure/sweep.js';
import type { ClientThreads } from '../measure/client-threads.js';
import { clientThreadsFor, startClientThreads, threadsText } from './client-threads.js';
import { writeSweepLevel } from '../store/sweep.js';
import type { Session } from '../targets/interface.js';
import type { WorkloadShape } from '../workload/params.js';
import { QUERIES } from '../workload/queries.js';
import { onTarget, type OpenTarget } from './targets.js';
import { applySessionSettings } from './session-setup.js';
import { levelClientLoad } from '../store/level-client-load.js';
import { loopDelayText } from '../measure/client-load.js';
import { levelClientWarnings } from '../verify/level-client-warnings.js';
import { commonQueries } from './query-probe.js';
import type { PreparedCall } from '../measure/prepare.js';
import type { QueryTemplate } from '../workload/queries.js';
import { originAtEpoch, sleepUntil } from '../measure/shard-clock.js';
import { LEVEL_HANDOVER_MS, recordShardLevel, shardClients, type LevelShard } from './shard-levels.js';
import { DEFAULT_SWEEP_SHARD_LEVEL_S } from './shard-level-plan.js';

/**
 * The closed-loop concurrency sweep (config `concurrency`), after the main measurement, one
 * target at a time so targets do not compete for the two cores: for each level C, C-1 extra
 * sessions are opened beside the measuring one, C clients run `sweep_requests` requests each, and
 * every sample plus the level's wall time is stored. Targets without concurrent sessions (PGlite)
 * are measured all the same — their clients queue behind one session — and marked so. The mix
 * is the queries every target runs (a query some path cannot run is left out for all).
 * With client_threads > 1 (lib/pipeline/client-threads.ts), a level's C clients run in
 * min(client_threads, C) client threads, each on a session opened there; same rows, merged.
 */
export async function concurrencySweep(ctx: StageContext, runId: string, targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape, shard?: LevelShard): Promise<void> {
  const c = ctx.config;
  const levels = [...new Set(c.concurrency)].sort((a, b) => a - b);
  // One mix for every target, so levels compare: the queries every path runs.
  const { queries, leftOut } = commonQueries(targets, QUERIES);
  if (leftOut.length) ctx.log(`concurrency sweep: mix without ${leftOut.join(', ')}`);
  if (queries.length === 0) return;
  const perQuery = Math.max(1, Math.ceil((Math.max(...levels) * c.sweep_requests) / queries.length));
  let slot = 0;
  for (const t of targets) {
    const [prepared] = prepareCalls([t], pools, queries, shape, 'sweep', perQuery);
    // A shard runs its clients of every level on its main thread (its share is what spreads the load).
    const maxThreads = shard ? 1 : clientThreadsFor(c, t);
    if (shard && clientThreadsFor(c, t) > 1) ctx.log(`sweep ${t.id}: shard ${shard.index}/${shard.count} runs its clients on its main thread (client_threads applies to unsharded sweeps)`);
    let pool: ClientThreads | undefined;
    try {
      for (const level of levels) {
        if (shard) {
          await shardSweepLevel(ctx, runId, t, queries, prepared!.calls, level, shard, shard.instants[slot++]!);
          continue;
        }
        // client_threads > 1: every client of the level runs in a client thread, on a session of its own opened there.
        const threads = Math.min(maxThreads, level);
        if (threads > 1 && pool === undefined) {
          pool = await startClientThreads(c, t, maxThreads, 'sweep');
          await pool.setSweepCalls(prepared!.calls);
        }
        const extra: Session[] = [];
        try {
          let result: ReturnType<typeof sweepLevelRows>;
          if (threads > 1) {
            await pool!.openSessions(level);
            const r = await pool!.sweepLevel({ requests: c.sweep_requests, signal: ctx.signal });
            result = sweepLevelRows({ runId, target: t, queries, requests: c.sweep_requests, signal: ctx.signal, ...r });
          } else {
            for (let k = 1; k < level; k++) {
              const s = await onTarget(t, `opening sweep session ${k + 1}/${level}`, () => t.module.open(t.ctx));
              extra.push(s);
              await applySessionSettings(c, t, s, 'sweep session setup');
            }
            result = await runSweepLevel({
              runId, target: t, sessions: [t.session, ...extra], queries, calls: prepared!.calls, requests: c.sweep_requests, signal: ctx.signal,
            });
          }
          const { level: row, samples, clientLoad } = result;
          await writeSweepLevel(ctx.store, row, samples);
          const ok = samples.filter((s) => s.ok === 1).length;
          ctx.log(
            `sweep ${t.id} × ${level} client(s)${threadsText(threads)}: ${samples.length} requests, ${(ok / (row.wall_ns / 1e9)).toFixed(0)} QPS` +
              (t.module.capabilities.concurrentSessions ? '' : ' (clients queue behind one session)') +
              `; client ${Math.round(clientLoad.cpu_cores * 100)}% of a core${threads > 1 ? ' (busiest thread)' : ''}, event-loop delay ${loopDelayText(clientLoad)}`,
          );
          for (const w of levelClientWarnings('sweep', levelClientLoad({ ...row, level }))) ctx.log(`warning: ${w}`);
        } finally {
          for (const s of extra) await s.close();
          if (threads > 1) await pool!.closeSessions();
        }
      }
    } finally {
      await pool?.close();
    }
  }
}

/**
 * One concurrency-sweep level as shard i of N (docs/shards.md): this shard's clients of the level
 * (client k on shard k mod N + 1, each with its single-host parameters), each on a session of its
 * own opened before the level, start at the level's shared instant; the samples are stored with
 * their global client numbers and the level's client count, and merge joins the shards' rows. A
 * shard with no client at this level only records that it reached the instant.
 */
async function shardSweepLevel(
  ctx: StageContext, runId: string, t: OpenTarget, queries: readonly QueryTemplate[], calls: readonly (readonly PreparedCall[])[], level: number, shard: LevelShard, instant: number,
): Promise<void> {
  const c = ctx.config;
  const clients = shardClients(level, shard.index, shard.count);
  const extra: Session[] = [];
  try {
    for (let k = 1; k < clients.length; k++) {
      const s = await onTarget(t, `opening sweep session ${k + 1}/${clients.length}`, () => t.module.open(t.ctx));
      extra.push(s);
      await applySessionSettings(c, t, s, 'sweep session setup');
    }
    await sleepUntil(instant - LEVEL_HANDOVER_MS, ctx.signal);
    if (clients.length === 0) {
      await sleepUntil(instant, ctx.signal);
      await recordShardLevel(ctx, runId, shard, 'sweep', t.id, level, instant, originAtEpoch(instant).lateMs);
      ctx.log(`sweep ${t.id} × ${level} client(s), shard ${shard.index}/${shard.count}: no client of this level on this shard`);
      return;
    }
    const r = await runSweepLevel({
      runId, target: t, sessions: [t.session, ...extra], queries, calls, requests: c.sweep_requests, signal: ctx.signal,
      shard: { clients, level, startAtEpochMs: instant },
    });
    await writeSweepLevel(ctx.store, r.level, r.samples);
    await recordShardLevel(ctx, runId, shard, 'sweep', t.id, level, instant, r.startLateMs ?? 0);
    const ok = r.samples.filter((s) => s.ok === 1).length;
    ctx.log(
      `sweep ${t.id} × ${level} client(s), shard ${shard.index}/${shard.count}: clients ${clients.join(', ')}: ${r.samples.length} requests, ${(ok / (r.level.wall_ns / 1e9)).toFixed(0)} QPS from the level's instant` +
        `; client ${Math.round(r.clientLoad.cpu_cores * 100)}% of a core, event-loop delay ${loopDelayText(r.clientLoad)}`,
    );
    if (r.level.wall_ns / 1e6 > (c.sweep_shard_level_s ?? DEFAULT_SWEEP_SHARD_LEVEL_S) * 1000) {
      ctx.log(`warning: sweep ${t.id} × ${level} client(s), shard ${shard.index}/${shard.count}: the level took ${(r.level.wall_ns / 1e9).toFixed(1)} s, more than sweep_shard_level_s; the next level starts late (raise sweep_shard_level_s)`);
    }
    for (const w of levelClientWarnings('sweep', levelClientLoad({ ...r.level, level }))) ctx.log(`warning: ${w}`);
  } finally {
    for (const s of extra) await s.close();
  }
}
