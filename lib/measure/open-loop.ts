import type { Session } from '../targets/interface.js';
import type { PreparedCall } from './prepare.js';
import { timedCall } from './timed-call.js';
import { watchClientLoadArmed, type ClientLoad } from './client-load.js';

/**
 * The open-loop driver: one level at one offered rate on one target.
 *
 * Contract
 * - Request i is *due* at origin + schedule[i] (ns; lib/workload/arrival-schedule.ts). The
 *   dispatcher releases it at the first event-loop turn at or after that instant: it sleeps with
 *   setTimeout while more than SPIN_NS remain (Node timers are ~1 ms coarse and fire late, never
 *   early), then yields with setImmediate until due — I/O (completions of requests in flight)
 *   keeps being processed while it waits. The price is CPU: up to SPIN_NS of spinning per gap.
 * - A released request starts at once on an idle session; when all `sessions` are busy it waits
 *   in a FIFO queue and the next session to finish takes it. That wait is the queueing delay the
 *   coordinated-omission correction adds back: latency is measured from the intended time, not
 *   from when a session became free.
 * - Timed region, as everywhere in lib/measure: nothing but the driver call (execute plus full
 *   fetch) between the two clock readings. start = the reading before the call, end = after.
 *   Service time = end − start; corrected latency = end − intended. Anything the event loop did
 *   before the call (a late timer, an in-process engine blocking the loop) shows as start − intended.
 *   A session that runs its calls in a worker thread of its own (iris-native) reports the readings
 *   taken around the call in that thread (timedCall): start is then when the worker began the call,
 *   so start − intended also holds the hop to the worker, and end is when the call returned there —
 *   the hop back delays only when that session can take its next request (it shows as queueing).
 * - Dropped: a request still unsent `dropAfterNs` after origin (the schedule's span plus a
 *   grace) is never sent — checked when it is released and when a session would take it from the
 *   queue. An overloaded level therefore ends by dropAfterNs plus the requests then in flight.
 * - A connection loss or an abort stops dispatching; requests in flight finish, the rest are not
 *   run (neither sent nor dropped). The caller reports the loss or throws the abort reason.
 *
 * - The client load (lib/measure/client-load.ts) is watched from just before the origin to just
 *   after the last completion (armed one 20 ms sampling interval before the origin): a libuv
 *   timer, no JavaScript of its own while requests run.
 *
 * Times are ns offsets from the level's origin, in Float64Array (NaN = not sent).
 */
export const SPIN_NS = 1_500_000;

export interface OpenLoopLevelInput {
  sessions: readonly Session[];
  /** Intended start offsets (ns), ascending. */
  schedule: Float64Array;
  /** The call of each request, same length as schedule. */
  calls: readonly PreparedCall[];
  dropAfterNs: number;
  isConnectionLoss(err: unknown): boolean;
  signal?: AbortSignal;
}

export interface OpenLoopTimings {
  startNs: Float64Array;
  endNs: Float64Array;
  /** Index of the session that ran the request, -1 when not sent. */
  sessionOf: Int16Array;
  /** 1 when the request found every session busy and waited in the queue. */
  queued: Uint8Array;
  dropped: Uint8Array;
  errors: Map<number, unknown>;
  /** origin → the last completion (or the end of dispatching), ns. */
  wallNs: number;
  /** Deepest the queue got. */
  maxQueue: number;
  /** Process CPU and event-loop delay while the level ran. */
  clientLoad: ClientLoad;
  /** The first connection-loss error, if any. */
  lost?: unknown;
  aborted: boolean;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntil(dueNs: bigint): Promise<void> {
  for (;;) {
    const left = Number(dueNs - process.hrtime.bigint());
    if (left <= 0) return;
    if (left > SPIN_NS) await sleepMs(Math.max(1, Math.floor((left - SPIN_NS) / 1e6)));
    else await immediate();
  }
}

export async function runOpenLoopLevel(o: OpenLoopLevelInput): Promise<OpenLoopTimings> {
  const n = o.schedule.length;
  if (o.calls.length !== n) throw new RangeError(`open loop: ${o.calls.length} calls for ${n} scheduled requests`);
  if (o.sessions.length === 0) throw new RangeError('open loop: no session');
  const startNs = new Float64Array(n).fill(Number.NaN);
  const endNs = new Float64Array(n).fill(Number.NaN);
  const sessionOf = new Int16Array(n).fill(-1);
  const queued = new Uint8Array(n);
  const dropped = new Uint8Array(n);
  const errors = new Map<number, unknown>();
  // FIFO of released requests waiting for a session: each request enters at most once.
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let maxQueue = 0;
  const idle = o.sessions.map((_, s) => s).reverse();
  let inFlight = 0;
  let lost: unknown;
  let stopping = false;
  let dispatching = true;
  let settle: (() => void) | undefined;

  const load = await watchClientLoadArmed();
  const origin = process.hrtime.bigint();
  const expired = () => Number(process.hrtime.bigint() - origin) > o.dropAfterNs;

  /** The next queued request a session may send, dropping the expired ones; -1 if none. */
  const takeQueued = (): number => {
    while (head < tail && !stopping) {
      const i = queue[head++]!;
      if (expired()) dropped[i] = 1;
      else return i;
    }
    return -1;
  };

  const worker = async (s: number, first: number): Promise<void> => {
    const session = o.sessions[s]!;
    for (let i = first; i >= 0; i = takeQueued()) {
      const call = o.calls[i]!;
      const { t0, elapsedNs: took, error } = await timedCall(session, call.sql, call.params);
      startNs[i] = Number(t0 - origin);
      endNs[i] = Number(t0 + took - origin);
      sessionOf[i] = s;
      if (error !== undefined) {
        errors.set(i, error);
        if (o.isConnectionLoss(error)) {
          lost ??= error;
          stopping = true;
        }
      }
    }
    idle.push(s);
    inFlight--;
    if (inFlight === 0 && !dispatching) settle?.();
  };

  for (let i = 0; i < n; i++) {
    await waitUntil(origin + BigInt(o.schedule[i]!));
    if (o.signal?.aborted) stopping = true;
    if (stopping) break;
    if (expired()) {
      dropped[i] = 1;
      continue;
    }
    const s = idle.pop();
    if (s === undefined) {
      queued[i] = 1;
      queue[tail++] = i;
      if (tail - head > maxQueue) maxQueue = tail - head;
    } else {
      inFlight++;
      void worker(s, i);
    }
  }
  dispatching = false;
  if (inFlight > 0) await new Promise<void>((resolve) => (settle = resolve));
  // Released requests no session took (only after a loss or an abort) stay "not sent".
  const wallNs = Number(process.hrtime.bigint() - origin);
  const clientLoad = await load.stop();
  return { startNs, endNs, sessionOf, queued, dropped, errors, wallNs, maxQueue, clientLoad, lost, aborted: o.signal?.aborted === true };
}
