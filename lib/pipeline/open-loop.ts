import type { StageContext } from '../cli/run-stage.js';
import type { ResolvedConfig } from '../config/load.js';
import { TargetUnavailableError, errorText } from '../errors.js';
import { runOpenLoopLevel } from '../measure/open-loop.js';
import { openLoopRows } from '../measure/open-loop-rows.js';
import { prepareCalls, type PreparedCall } from '../measure/prepare.js';
import { writeOpenLoopLevel } from '../store/open-loop.js';
import type { Session } from '../targets/interface.js';
import { arrivalSchedule, scheduleSpanNs, type ScheduleSpec } from '../workload/arrival-schedule.js';
import type { WorkloadShape } from '../workload/params.js';
import { QUERIES, measuredQueries, type QueryTemplate } from '../workload/queries.js';
import { undoWrites } from './write-undo.js';
import { mixSequence, mixText } from '../workload/rate-mix.js';
import { onTarget, type OpenTarget } from './targets.js';
import { applySessionSettings } from './session-setup.js';
import { levelClientLoad, levelClientLoadColumns } from '../store/level-client-load.js';
import { loopDelayText } from '../measure/client-load.js';
import { levelClientWarnings } from '../verify/level-client-warnings.js';
import { commonQueries } from './query-probe.js';
import type { ClientThreads } from '../measure/client-threads.js';
import { clientThreadsFor, startClientThreads, threadsText } from './client-threads.js';
import { shardArrivals } from '../measure/schedule.js';
import { sleepUntil } from '../measure/shard-clock.js';
import { LEVEL_HANDOVER_MS, recordShardLevel, shardSessions, type LevelShard } from './shard-levels.js';

/** Seconds per level when neither rate_duration_s nor rate_requests is given. */
export const DEFAULT_RATE_DURATION_S = 10;

/** The schedule of each configured rate, ascending; identical for every target. */
export function openLoopLevels(c: ResolvedConfig): { rate: number; spec: ScheduleSpec; schedule: Float64Array }[] {
  const rates = [...new Set(c.rate)].sort((a, b) => a - b);
  return rates.map((rate) => {
    const spec: ScheduleSpec =
      c.rate_requests !== undefined
        ? { seed: c.seed, rate, arrival: c.rate_arrival, requests: c.rate_requests }
        : { seed: c.seed, rate, arrival: c.rate_arrival, durationNs: Math.round((c.rate_duration_s ?? DEFAULT_RATE_DURATION_S) * 1e9) };
    return { rate, spec, schedule: arrivalSchedule(spec) };
  });
}

/**
 * The planned length (ms) of every open-loop level in run order — target by target, rates
 * ascending: its drop_after (schedule span + rate_grace_s), when every request is sent or dropped.
 * Sharded levels start at instants spaced by these (lib/pipeline/shard-levels.ts).
 */
export function openLoopPlannedMs(c: ResolvedConfig, targets: number): number[] {
  const per = openLoopLevels(c).map((l) => (scheduleSpanNs(l.spec) + Math.round(c.rate_grace_s * 1e9)) / 1e6);
  return Array.from({ length: targets }, () => per).flat();
}

/**
 * The open loop's queries, catalogue order: rate_mix's keys when set, else rate_queries, else every
 * read. Write queries only when named (and `writes: true`, which config validation requires).
 */
export function openLoopQueries(c: ResolvedConfig): QueryTemplate[] {
  const measured = measuredQueries(c);
  if (c.rate_mix) return measured.filter((q) => c.rate_mix![q.id] !== undefined);
  return c.rate_queries ? measured.filter((q) => c.rate_queries!.includes(q.id)) : [...QUERIES];
}

/**
 * Which query each of the first n requests runs (index into `queries`), and which of that query's
 * parameter sets (its occurrence so far: the k-th request of a query takes its k-th parameters).
 * Round-robin without rate_mix; with it, seeded weighted draws (lib/workload/rate-mix.ts). The same
 * for every target and level; computed before any level runs, so nothing is chosen in the timed region.
 */
export function requestQueries(c: ResolvedConfig, queries: readonly QueryTemplate[], n: number): { pick: Uint16Array; occurrence: Uint32Array; perQuery: number } {
  const pick = c.rate_mix
    ? mixSequence(c.seed, queries.map((q) => ({ query: q, weight: c.rate_mix![q.id]! })), n)
    : Uint16Array.from({ length: n }, (_, j) => j % queries.length);
  const seen = new Uint32Array(queries.length);
  const occurrence = Uint32Array.from(pick, (i) => seen[i]!++);
  return { pick, occurrence, perQuery: Math.max(1, ...seen) };
}

/**
 * The open-loop fixed-rate mode (config `rate`), after the main measurement and the concurrency
 * sweep, one target at a time so targets do not compete for the cores. Per target,
 * rate_sessions − 1 extra sessions are opened beside the measuring one (same session settings)
 * and kept for all its levels. Request j of a level runs query j mod Q of the mix (or, with
 * rate_mix, the j-th seeded weighted draw: requestQueries) with that query's next parameters of
 * the 'open_loop' sequence — the same on every target and level.
 * Targets without concurrent sessions (PGlite) are measured all the same, on the measuring session
 * alone: their requests queue in the driver's FIFO behind that one session (not inside the engine,
 * where the wait would be counted as service time and no request could be dropped), and the level
 * row says so (concurrent_sessions 0, sessions 1).
 * With client_threads > 1 (and a target it applies to: lib/pipeline/client-threads.ts), the
 * rate_sessions sessions are opened in client threads instead, each running its share of every
 * level's schedule (lib/measure/client-threads.ts); the stored rows are the same, sample for sample.
 */
export async function openLoopSweep(ctx: StageContext, runId: string, targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape, shard?: LevelShard): Promise<void> {
  const c = ctx.config;
  const levels = openLoopLevels(c);
  // A shard's levels start at instants every shard computes alike (lib/pipeline/shard-levels.ts).
  const instants = shard?.instants ?? [];
  let slot = 0;
  // One mix for every target, so rates compare: the configured queries every path runs.
  const { queries, leftOut } = commonQueries(targets, openLoopQueries(c));
  if (leftOut.length) ctx.log(`open loop: mix without ${leftOut.join(', ')}`);
  if (queries.length === 0) return;
  const longest = Math.max(...levels.map((l) => l.schedule.length));
  const { pick, occurrence, perQuery } = requestQueries(c, queries, longest);
  if (c.rate_mix) ctx.log(`open loop: weighted mix ${mixText(Object.fromEntries(queries.map((q) => [q.id, c.rate_mix![q.id]!])))} (seed ${c.seed})`);
  const queryOf = Array.from(pick, (i) => queries[i]!);
  const lateNs = Math.round(c.rate_late_ms * 1e6);
  const writes = queries.some((q) => q.category === 'write');
  // The main measurement's rows are still in place: the open loop's insert_one ids start at the same place.
  if (writes) await undoWrites(targets, c);
  for (const t of targets) {
    const [prepared] = prepareCalls([t], pools, queries, shape, 'open_loop', perQuery);
    const callOf: PreparedCall[] = Array.from(pick, (i, j) => prepared!.calls[i]![occurrence[j]!]!);
    const concurrent = t.module.capabilities.concurrentSessions;
    // A shard opens its share of the sessions (session k on shard k mod N + 1; at least one).
    const sessions = concurrent ? (shard ? shardSessions(c.rate_sessions, shard.index, shard.count) : c.rate_sessions) : 1;
    const extra: Session[] = [];
    // client_threads > 1: every session of the level is opened in the client threads, none here.
    const threads = Math.min(clientThreadsFor(c, t), sessions);
    let pool: ClientThreads | undefined;
    try {
      if (threads > 1) {
        pool = await startClientThreads(c, t, threads, 'open loop');
        await pool.openSessions(sessions);
      } else {
        for (let k = 1; k < sessions; k++) {
          const s = await onTarget(t, `opening open-loop session ${k + 1}/${sessions}`, () => t.module.open(t.ctx));
          extra.push(s);
          await applySessionSettings(c, t, s, 'open-loop session setup');
        }
      }
      for (const level of levels) {
        const full = level.schedule.length;
        const spanNs = scheduleSpanNs(level.spec);
        const dropAfterNs = spanNs + Math.round(c.rate_grace_s * 1e9);
        // A shard sends every N-th arrival of the one schedule, each at its own intended offset.
        const seqOf = shard ? shardArrivals(full, shard.index, shard.count) : undefined;
        const schedule = seqOf ? Float64Array.from(seqOf, (j) => level.schedule[j]!) : level.schedule;
        const calls = seqOf ? Array.from(seqOf, (j) => callOf[j]!) : callOf.slice(0, full);
        const levelQueryOf = seqOf ? Array.from(seqOf, (j) => queryOf[j]!) : queryOf;
        const n = schedule.length;
        const startAtEpochMs = shard ? instants[slot++]! : undefined;
        if (startAtEpochMs !== undefined) await sleepUntil(startAtEpochMs - LEVEL_HANDOVER_MS, ctx.signal);
        const timings = pool
          ? await pool.openLoopLevel({ schedule, calls, dropAfterNs, signal: ctx.signal, ...(startAtEpochMs !== undefined ? { startAtEpochMs } : {}) })
          : await runOpenLoopLevel({
              sessions: [t.session, ...extra], schedule, calls, dropAfterNs,
              isConnectionLoss: (err) => t.module.isConnectionLoss(err), signal: ctx.signal, ...(startAtEpochMs !== undefined ? { startAtEpochMs } : {}),
            });
        if (timings.lost !== undefined) {
          throw new TargetUnavailableError([{ target: t.id, reason: `lost during the open-loop level at ${level.rate}/s: ${errorText(timings.lost)}` }], 'open loop');
        }
        if (timings.aborted) throw ctx.signal!.reason;
        const samples = openLoopRows({ runId, target: t.id, offeredRate: level.rate, schedule, queryOf: levelQueryOf, timings, lateThresholdNs: lateNs, ...(seqOf ? { seqOf } : {}) });
        const levelRow = {
          run_id: runId, target: t.id, offered_rate: level.rate, arrival: c.rate_arrival, sessions, concurrent_sessions: concurrent ? 1 : 0,
          scheduled: n, span_ns: spanNs, wall_ns: timings.wallNs, late_threshold_ns: lateNs, drop_after_ns: dropAfterNs, max_queue: timings.maxQueue,
          ...levelClientLoadColumns(timings.clientLoad, t.module.capabilities.inProcess === true),
        };
        await writeOpenLoopLevel(ctx.store, levelRow, samples);
        if (shard && startAtEpochMs !== undefined) await recordShardLevel(ctx, runId, shard, 'open_loop', t.id, level.rate, startAtEpochMs, timings.startLateMs ?? 0);
        const ok = samples.filter((s) => s.ok === 1).length;
        const late = samples.filter((s) => s.late === 1).length;
        const dropped = samples.filter((s) => s.dropped === 1).length;
        ctx.log(
          `open loop ${t.id} at ${level.rate}/s (${c.rate_arrival}, ${sessions} session${sessions === 1 ? '' : 's'}${threadsText(threads)}${shard ? `, shard ${shard.index}/${shard.count}: the arrivals j mod ${shard.count} = ${shard.index - 1} of ${full}` : ''}): ${n} scheduled, ${ok} ok, ${late} late, ${dropped} dropped, ` +
            `${(ok / (Math.max(timings.wallNs, spanNs) / 1e9)).toFixed(1)}/s achieved, queue up to ${timings.maxQueue}` + (concurrent ? '' : ' (requests queue behind one session)') +
            `; client ${Math.round(timings.clientLoad.cpu_cores * 100)}% of a core${threads > 1 ? ' (busiest thread)' : ''}, event-loop delay ${loopDelayText(timings.clientLoad)}`,
        );
        for (const w of levelClientWarnings('open-loop', levelClientLoad({ ...levelRow, level: level.rate }))) ctx.log(`warning: ${w}`);
        // Untimed, between levels: every level (and target) inserts the same new ids, as it draws the same sequence.
        if (writes) await undoWrites(targets, c);
      }
    } finally {
      for (const s of extra) await s.close();
      await pool?.close();
    }
  }
}
