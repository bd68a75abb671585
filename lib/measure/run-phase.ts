import { TargetUnavailableError, errorText } from '../errors.js';
import type { SampleRow } from '../store/samples.js';
import { isWrite, type QueryTemplate } from '../workload/queries.js';
import { sendCall, type PreparedTarget } from './prepare.js';
import type { QueryOutcome } from '../targets/interface.js';
import { clockNow, inThreadTiming } from './timed-call.js';
import { shardOrder, timedOrder, type Schedule } from './schedule.js';
import { sleepUntil } from './shard-clock.js';

export interface PhaseOptions {
  runId: string;
  phase: 'warmup' | 'measure';
  queries: readonly QueryTemplate[];
  targets: readonly PreparedTarget[];
  iterations: number;
  /** Order of the requests (lib/measure/schedule.ts); default interleaved. */
  schedule?: Schedule;
  /** Persist a batch of samples; called between timed calls, never inside one. */
  flush(rows: SampleRow[]): Promise<void>;
  /**
   * Called after each iteration's worth of requests (all queries × all targets when interleaved).
   * Returns true when it evicted the caches (the memory probe ran, lib/measure/speed-probe.ts): the
   * requests that come next are then re-warmed untimed first (rewarmNext), so that no timed request
   * pays for the harness's own work.
   */
  onIteration?(done: number): boolean | void;
  flushEvery?: number;
  /** `measure --shard i/N`: run only iterations i − 1, i − 1 + N, … of the schedule (lib/measure/schedule.ts, shardOrder). */
  shard?: { index: number; count: number };
  /**
   * `measure --shard`: the instant (epoch ms, host clock) the loop's first request starts; the wait
   * ends just before the clock origin is read, after every buffer is allocated (lib/measure/shard-clock.ts).
   */
  startAtEpochMs?: number;
  /** Checked after every request: when aborted, the samples so far are flushed and its reason thrown. */
  signal?: AbortSignal;
  /** Re-warm the first iteration's first requests untimed before the loop (rewarmNext): the caller just evicted the caches. */
  rewarmFirst?: boolean;
}

export interface PhaseResult {
  samples: number;
  failed: number;
  wallNs: number;
  /** The clock reading samples' start_ns count from (process.hrtime.bigint()). */
  originNs: bigint;
  /** The host's wall clock (epoch ms) read just after originNs: a shard's samples are placed on a common time line with it. */
  originEpochMs: number;
  /** First error per target × query, for the log. */
  firstErrors: Map<string, string>;
  /** The longest request of the phase (ns; 0 when none): the client guard's attribution rule. */
  slowestNs: number;
}

/**
 * One closed-loop phase: every query on every target `iterations` times, in the order of the
 * schedule (lib/measure/schedule.ts; interleaved: iteration i runs every query on every target,
 * the target order balanced for carry-over over every 2n iterations (schedule.ts balancedOrder), so that machine drift and order effects hit all targets alike). A connection loss aborts
 * the phase (after the samples so far are flushed) with TargetUnavailableError.
 */
const session = (pt: PreparedTarget) => pt.target.session;

export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  // Large by default: a mid-phase flush pauses the loop, which shows up in the wall-clock slot of one sample.
  const flushEvery = o.flushEvery ?? 50_000;
  const n = o.targets.length;
  const perIteration = o.queries.length * n;
  // Columnar buffers, preallocated: the loop between two requests only stores numbers, so the
  // harness adds as little client time as possible (make bench-harness measures it).
  const capacity = Math.max(perIteration, Math.min(o.iterations * perIteration, flushEvery + perIteration));
  const startNs = new Float64Array(capacity);
  const elapsedNs = new Float64Array(capacity);
  const rowCount = new Int32Array(capacity);
  const who = new Uint16Array(capacity);
  const what = new Uint16Array(capacity);
  const iter = new Int32Array(capacity);
  const errors = new Map<number, unknown>();
  let used = 0;
  let samples = 0;
  let failed = 0;
  let slowestNs = 0;
  const firstErrors = new Map<string, string>();

  const toRows = (): SampleRow[] => {
    const rows: SampleRow[] = new Array(used);
    for (let j = 0; j < used; j++) {
      const q = o.queries[what[j]!]!;
      const err = errors.get(j);
      rows[j] = {
        run_id: o.runId, target: o.targets[who[j]!]!.target.id, query_id: q.id, category: q.category, phase: o.phase,
        iteration: iter[j]!, start_ns: startNs[j]!, elapsed_ns: elapsedNs[j]!,
        row_count: err === undefined ? rowCount[j]! : null, ok: err === undefined ? 1 : 0, error: err === undefined ? null : errorText(err),
      };
    }
    return rows;
  };
  const flush = async () => {
    await o.flush(toRows());
    used = 0;
    errors.clear();
  };

  const full = timedOrder(o.schedule ?? 'interleaved', o.queries.length, n, o.iterations);
  const order = o.shard ? shardOrder(full, o.shard.index, o.shard.count) : full;
  const steps = order.length / 3;
  // A shard's groups of perIteration requests hold N iterations' worth of its own (progress scale).
  const groupIterations = o.shard?.count ?? 1;
  const groupsTotal = Math.ceil(steps / perIteration);
  /**
   * Untimed, between iterations: each target × query among the next `n` steps (the first query of
   * the next iteration on every target, when interleaved) run once with the parameters of the
   * iteration before its own, already used, so that nothing new is cached. Writes are never
   * repeated. A failure is ignored here: the timed request that follows meets it. Why: the first
   * request after a memory probe (a 128 MiB stream) ran 1.17× its query's median against 0.98×
   * without one (config/embedded.yaml, 31 of 200 iterations), always the same query, since every
   * iteration starts with the same one; its p99 moved +6.6% (docs/methodology.md).
   */
  const rewarmNext = async (from: number) => {
    const seen = new Set<number>();
    for (let s = from; s < Math.min(steps, from + n); s++) {
      const i = order[3 * s]!;
      const qi = order[3 * s + 1]!;
      const ti = order[3 * s + 2]!;
      const seq = o.targets[ti]!.calls[qi]!;
      if (seen.has(qi * n + ti) || seq.length === 0 || isWrite(o.queries[qi]!)) continue;
      seen.add(qi * n + ti);
      const call = seq[Math.max(0, i - 1)]!;
      const pt = o.targets[ti]!;
      try {
        if (call.then) await sendCall(session(pt), call);
        else await session(pt).query(call.sql, call.params);
      } catch {
        // untimed: the timed request that follows meets the same failure and records it
      }
    }
  };
  // Before a shard's wait, so that its first request still starts at --start-at.
  if (o.rewarmFirst && steps > 0) await rewarmNext(0);
  if (o.startAtEpochMs !== undefined) await sleepUntil(o.startAtEpochMs, o.signal);
  const origin = clockNow();
  const originEpochMs = performance.timeOrigin + performance.now();
  for (let step = 0; step < steps; step++) {
    const i = order[3 * step]!;
    const qi = order[3 * step + 1]!;
    const ti = order[3 * step + 2]!;
    const pt = o.targets[ti]!;
    const seq = pt.calls[qi]!;
    if (seq.length !== 0) { // empty: not supported on this path (lib/pipeline/query-probe.ts)
      const call = seq[i]!;
      // The timed region, inline (same contract as timedCall(), one async frame less): nothing
      // but the driver call — execute plus full fetch — between the two clock readings.
      let outcome: QueryOutcome | undefined;
      let error: unknown = undefined;
      const t0 = process.hrtime.bigint();
      try {
        outcome = call.then ? await sendCall(session(pt), call) : await session(pt).query(call.sql, call.params);
      } catch (err) {
        error = err ?? new Error('query rejected without a reason');
      }
      const t1 = process.hrtime.bigint();
      const j = used++;
      // A session that timed the call in its own thread (iris-native) reports those readings.
      const own = inThreadTiming(error === undefined ? outcome : error);
      startNs[j] = Number((own === undefined ? t0 : own.t0) - origin);
      elapsedNs[j] = own === undefined ? Number(t1 - t0) : Number(own.elapsedNs);
      if (elapsedNs[j]! > slowestNs) slowestNs = elapsedNs[j]!;
      const rows = outcome === undefined ? -1 : outcome.rowCount;
      rowCount[j] = rows;
      who[j] = ti;
      what[j] = qi;
      iter[j] = i;
      samples++;
      if (error !== undefined) {
        errors.set(j, error);
        failed++;
        const q = o.queries[qi]!;
        const key = `${pt.target.id} ${q.id}`;
        if (!firstErrors.has(key)) firstErrors.set(key, errorText(error));
        if (pt.target.module.isConnectionLoss(error)) {
          await flush();
          throw new TargetUnavailableError([{ target: pt.target.id, reason: `lost during ${o.phase} (${q.id}, iteration ${i}): ${errorText(error)}` }], o.phase);
        }
      }
    }
    // Between groups of perIteration requests (one iteration when interleaved): abort check,
    // room for the next group, progress.
    if ((step + 1) % perIteration !== 0) continue;
    const groups = (step + 1) / perIteration;
    const done = Math.min(o.iterations, groups * groupIterations);
    if (o.signal?.aborted) {
      await flush();
      throw o.signal.reason;
    }
    // Make room for the next group; after the last one nothing is flushed here, so the final
    // store write stays outside wallNs (it used to land inside it whenever the whole phase fit in
    // one buffer, the usual case: the run's duration then included writing every sample).
    if (groups < groupsTotal && used + perIteration > capacity) await flush();
    if (o.onIteration?.(done) === true && step + 1 < steps) await rewarmNext(step + 1);
  }
  const wallNs = Number(clockNow() - origin);
  await flush();
  return { samples, failed, wallNs, originNs: origin, originEpochMs, firstErrors, slowestNs };
}
