import type { QueryOutcome, Session } from '../targets/interface.js';
import { sendCall, type PreparedCall } from './prepare.js';
import { inThreadTiming } from './timed-call.js';
import { watchClientLoadArmed, type ClientLoad } from './client-load.js';
import { DEFAULT_WAKE, openWake, type Wake, type WakeKind } from './wake.js';
import { originAtEpoch } from './shard-clock.js';

/**
 * The open-loop driver: one level at one offered rate on one set of sessions.
 *
 * Contract
 * - Request i is *due* at origin + schedule[i] (ns; lib/workload/arrival-schedule.ts). It is
 *   released at the first event-loop turn at or after that instant, never before. The dispatcher
 *   runs only when something wakes it: a completion of a request in flight (it then releases every
 *   request already due, in schedule order, reusing the completion's clock reading) or its one
 *   wake-up, armed for the next due request (lib/measure/wake.ts: setTimeout, 1 ms coarse, by
 *   default; or a helper thread asleep in a futex wait, ~0.1 ms precise but dearer in CPU), no
 *   sooner than WAKE_GAP_NS after the previous wake-up. Nothing spins: when nothing is due, the
 *   thread sleeps. When gaps are shorter than the wake-up's resolution, several requests fall due
 *   per wake-up and are all released in that one turn; what they wait is recorded per request
 *   (start − intended: lateness), so it stays visible.
 * - A released request starts at once on an idle session; when all `sessions` are busy it waits in
 *   a FIFO queue and the next session to finish takes it. That wait is the queueing delay the
 *   coordinated-omission correction adds back: latency is measured from the intended time, not
 *   from when a session became free.
 * - Timed region, as everywhere in lib/measure: nothing but the driver call (execute plus full
 *   fetch) between the two clock readings. start = the reading just before the call (kept in a
 *   per-session slot), end = the first thing the completion handler does. Service time = end −
 *   start; corrected latency = end − intended. A session that runs its calls in a worker thread of
 *   its own (iris-native) reports the readings taken around the call in that thread; they replace
 *   these (see timedCall).
 * - Per request the work is O(1) with no allocation of the dispatcher's own: preallocated typed
 *   arrays for the timings, the FIFO and the idle stack; the completion handlers are made once per
 *   session. What remains per request is the driver's promise and its own work.
 * - Dropped: a request still unsent `dropAfterNs` after origin (the schedule's span plus a grace)
 *   is never sent — checked when it is released and when a session would take it from the queue.
 *   An overloaded level therefore ends by dropAfterNs plus the requests then in flight.
 * - A connection loss or an abort stops dispatching; requests in flight finish, the rest are not
 *   run (neither sent nor dropped). The caller reports the loss or throws the abort reason.
 *
 * Times are ns offsets from the level's origin, in Float64Array (NaN = not sent).
 */
export interface OpenLoopLevelInput {
  sessions: readonly Session[];
  /** Intended start offsets (ns), ascending. */
  schedule: Float64Array;
  /** The call of each request, same length as schedule. */
  calls: readonly PreparedCall[];
  dropAfterNs: number;
  isConnectionLoss(err: unknown): boolean;
  signal?: AbortSignal;
  /** How the dispatcher sleeps (default `timer`; lib/measure/wake.ts). */
  wake?: WakeKind;
  /**
   * A sharded level (docs/shards.md): the origin is this instant (epoch ms, host clock) instead
   * of "now", even when it has passed (lib/measure/shard-clock.ts, originAtEpoch).
   */
  startAtEpochMs?: number;
}

/** What the dispatcher itself records; OpenLoopTimings adds the level's wall time and client load. */
export interface OpenLoopDispatch {
  startNs: Float64Array;
  endNs: Float64Array;
  /** Index of the session that ran the request, -1 when not sent. */
  sessionOf: Int16Array;
  /** 1 when the request found every session busy and waited in the queue. */
  queued: Uint8Array;
  dropped: Uint8Array;
  errors: Map<number, unknown>;
  /** Deepest the queue got. */
  maxQueue: number;
  /** The first connection-loss error, if any. */
  lost?: unknown;
  aborted: boolean;
}

export interface OpenLoopTimings extends OpenLoopDispatch {
  /** origin → the last completion (or the end of dispatching), ns. */
  wallNs: number;
  /** Process CPU and event-loop delay while the level ran. */
  clientLoad: ClientLoad;
  /** With startAtEpochMs: how far past it the origin was taken (ms; ≤ 0 = on time). */
  startLateMs?: number;
}

/**
 * Run the schedule against `origin` (process.hrtime.bigint(); may lie in the future — the first
 * wake-up then waits for it), sleeping with `wake` (opened by the caller, stopped here, closed by
 * the caller). Resolves when every request is sent, dropped or (after a loss or an abort) left
 * unsent, and nothing is in flight.
 */
/** Per-request state of a level of n requests before any is sent: NaN times, no session, nothing queued or dropped. */
export function emptyDispatch(n: number): Pick<OpenLoopDispatch, 'startNs' | 'endNs' | 'sessionOf' | 'queued' | 'dropped' | 'errors'> {
  return {
    startNs: new Float64Array(n).fill(Number.NaN),
    endNs: new Float64Array(n).fill(Number.NaN),
    sessionOf: new Int16Array(n).fill(-1),
    queued: new Uint8Array(n),
    dropped: new Uint8Array(n),
    errors: new Map<number, unknown>(),
  };
}

export function dispatchOpenLoop(o: OpenLoopLevelInput, origin: bigint, wake: Wake): Promise<OpenLoopDispatch> {
  const n = o.schedule.length;
  const S = o.sessions.length;
  if (o.calls.length !== n) throw new RangeError(`open loop: ${o.calls.length} calls for ${n} scheduled requests`);
  if (S === 0) throw new RangeError('open loop: no session');
  if (S > 0x7fff) throw new RangeError(`open loop: ${S} sessions, at most 32767`);
  const { schedule, calls, sessions, dropAfterNs } = o;
  const { startNs, endNs, sessionOf, queued, dropped, errors } = emptyDispatch(n);
  // FIFO of released requests waiting for a session: each request enters at most once.
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let maxQueue = 0;
  // Idle sessions as a stack, session 0 on top: the first request goes to the first session.
  const idle = new Int32Array(S);
  for (let k = 0; k < S; k++) idle[k] = S - 1 - k;
  let idleTop = S;
  /** The request each session is running, and the clock reading taken just before its call. */
  const current = new Int32Array(S);
  const t0Of = new BigInt64Array(S);
  let next = 0;
  let inFlight = 0;
  let lost: unknown;
  let stopping = false;
  let aborted = false;
  let finished = false;

  return new Promise<OpenLoopDispatch>((resolve) => {
    const finishIfDone = (): void => {
      if (finished || inFlight > 0 || (!stopping && next < n)) return;
      finished = true;
      wake.stop();
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ startNs, endNs, sessionOf, queued, dropped, errors, maxQueue, lost, aborted });
    };

    const start = (s: number, i: number): void => {
      current[s] = i;
      inFlight++;
      const call = calls[i]!;
      const session = sessions[s]!;
      let pending: Promise<QueryOutcome>;
      t0Of[s] = process.hrtime.bigint();
      try {
        pending = call.then ? sendCall(session, call) : session.query(call.sql, call.params);
      } catch (err) {
        pending = Promise.reject(err); // a session whose query() throws instead of rejecting
      }
      pending.then(onDone[s], onFail[s]);
    };

    /** Releases every request due at `now` (ns from origin), in order; arms the wake-up for the next one. */
    const release = (now: number): void => {
      if (stopping) return;
      if (o.signal?.aborted) {
        stopping = aborted = true;
        return;
      }
      while (next < n && schedule[next]! <= now) {
        const i = next++;
        if (now > dropAfterNs) dropped[i] = 1;
        else if (idleTop > 0) start(idle[--idleTop]!, i);
        else {
          queued[i] = 1;
          queue[tail++] = i;
          if (tail - head > maxQueue) maxQueue = tail - head;
        }
      }
      wake.released(next, now);
    };

    const onWake = (): void => {
      release(Number(process.hrtime.bigint() - origin));
      finishIfDone();
    };

    /** A session finished request current[s] at t1: store it, take the oldest queued request or go idle, release what is due. */
    const complete = (s: number, t1: bigint, outcomeOrError: unknown, error: unknown): void => {
      const i = current[s]!;
      const own = inThreadTiming(outcomeOrError);
      if (own !== undefined) {
        startNs[i] = Number(own.t0 - origin);
        endNs[i] = Number(own.t0 + own.elapsedNs - origin);
      } else {
        startNs[i] = Number(t0Of[s]! - origin);
        endNs[i] = Number(t1 - origin);
      }
      sessionOf[i] = s;
      inFlight--;
      if (error !== undefined) {
        errors.set(i, error);
        if (o.isConnectionLoss(error)) {
          lost ??= error;
          stopping = true;
        }
      }
      const now = Number(t1 - origin);
      let taken = false;
      while (head < tail && !stopping) {
        const j = queue[head++]!;
        if (now > dropAfterNs) dropped[j] = 1;
        else {
          start(s, j);
          taken = true;
          break;
        }
      }
      if (!taken) idle[idleTop++] = s;
      release(now);
      finishIfDone();
    };

    const onDone = sessions.map((_, s) => (outcome: QueryOutcome): void => complete(s, process.hrtime.bigint(), outcome, undefined));
    const onFail = sessions.map((_, s) => (err: unknown): void => complete(s, process.hrtime.bigint(), err, err ?? new Error('query rejected without a reason')));
    // An abort wakes the dispatcher at once (a slow level may sleep long between requests).
    const onAbort = (): void => {
      release(Number(process.hrtime.bigint() - origin));
      finishIfDone();
    };
    o.signal?.addEventListener('abort', onAbort);
    wake.start(origin, schedule, onWake);
    onWake();
  });
}

/**
 * One level in this thread: the wake-up is opened first (its helper thread starts outside the
 * level); the client load is watched from just before the origin to just after
 * the last completion (armed one 20 ms sampling interval before the origin: lib/measure/client-load.ts);
 * a libuv timer, no JavaScript of its own while requests run.
 */
export async function runOpenLoopLevel(o: OpenLoopLevelInput): Promise<OpenLoopTimings> {
  if (o.calls.length !== o.schedule.length) throw new RangeError(`open loop: ${o.calls.length} calls for ${o.schedule.length} scheduled requests`);
  if (o.sessions.length === 0) throw new RangeError('open loop: no session');
  const wake = await openWake(o.wake ?? DEFAULT_WAKE);
  try {
    const load = await watchClientLoadArmed();
    const at = o.startAtEpochMs === undefined ? undefined : originAtEpoch(o.startAtEpochMs);
    const origin = at?.origin ?? process.hrtime.bigint();
    const d = await dispatchOpenLoop(o, origin, wake);
    // Released requests no session took (only after a loss or an abort) stay "not sent".
    const wallNs = Number(process.hrtime.bigint() - origin);
    const clientLoad = await load.stop();
    return { ...d, wallNs, clientLoad, ...(at ? { startLateMs: at.lateMs } : {}) };
  } finally {
    await wake.close();
  }
}
