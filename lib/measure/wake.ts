import { Worker } from 'node:worker_threads';

/**
 * How the open-loop dispatcher (lib/measure/open-loop.ts) sleeps until the next request is due.
 * Two implementations: `timerWake` (setTimeout, the default) and `preciseWake` (a helper thread;
 * make bench-client ARGS="--wake precise" compares them). Measured with make bench-client on this
 * 2-core machine (PostgreSQL 15 on the same cores, 8 sessions, SELECT by id over 10,000 × 128, 5
 * rounds, offered 0.5× the bare loop's ~19,000 q/s, 2026-12-05, load average 1–3.5):
 *   timer   — lateness p99 of requests that found a free session 1.12 ms [1.12, 1.22], all requests
 *             1.8 ms; client CPU per request 1.19× [1.09, 1.43] the bare loop's;
 *   precise — 0.48 ms [0.38, 1.46] and 19 ms (the box saturates: 9–16 % of requests wait for a
 *             session); CPU per request 1.64× [1.55, 1.76]: the helper's futex waits and the
 *             cross-thread wake-ups cost ~35 µs of CPU per request on two shared cores.
 * So the timer is the default; the precise wake-up is there for low rates, where its CPU does not
 * matter and a 1 ms tick would dominate the lateness.
 *
 * Contract
 * - start(origin, schedule, onWake) once, before dispatching: the level's origin
 *   (process.hrtime.bigint()) and its intended start offsets (ns, ascending).
 * - released(next, now): the dispatcher has released every request before `next`, `now` being its
 *   last clock reading (ns from origin). Called after every release and every completion, so it is
 *   cheap: no system call, no allocation.
 * - onWake is called at about the instant request `next` is due — the precise one never before it,
 *   the timer possibly a little before (libuv caches its loop clock in whole ms) — and no sooner
 *   than WAKE_GAP_NS after the previous wake-up, by the clock of whatever makes it (libuv's cached
 *   loop clock for the timer, the helper thread's clock for the precise one). As the dispatcher
 *   sees them, two wake-ups may come closer (loaded CI: 74 µs timer, 48 µs precise, when one was
 *   handled late); each still needs a new turn of the event loop, so it never spins. It may come when there is nothing to release (too
 *   early, or the dispatcher got there first through a completion): the dispatcher compares every
 *   due time with its own clock reading, releases nothing early, and calls released() again.
 * - stop() makes every later wake-up a no-op (the level has ended); close() ends it (safe to call twice).
 */
export interface Wake {
  start(origin: bigint, schedule: Float64Array, onWake: () => void): void;
  released(next: number, now: number): void;
  stop(): void;
  close(): Promise<void>;
}

export const WAKE_KINDS = ['precise', 'timer'] as const;
export type WakeKind = (typeof WAKE_KINDS)[number];

/**
 * Wake-ups are at least this far apart (ns): at most 5,000 a second, each releasing everything
 * then due, so dense arrivals cost one wake-up per batch rather than one per request; the price
 * is at most this much lateness for a request due sooner after the previous wake-up.
 */
export const WAKE_GAP_NS = 200_000;

export const DEFAULT_WAKE: WakeKind = 'timer';

export function openWake(kind: WakeKind): Promise<Wake> {
  return kind === 'precise' ? preciseWake() : Promise.resolve(timerWake());
}

/**
 * setTimeout, rounded up to whole ms: Node timers never fire early, but they are 1 ms coarse — a
 * request due 0.3 ms from now is released about 0.8 ms late at the median (see preciseWake).
 */
export function timerWake(): Wake {
  let origin = 0n;
  let schedule: Float64Array = new Float64Array(0);
  let onWake = (): void => undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let last = Number.NEGATIVE_INFINITY;
  const fired = (): void => {
    timer = undefined;
    if (stopped) return;
    last = Number(process.hrtime.bigint() - origin);
    onWake();
  };
  const stop = (): void => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
  return {
    start(o, s, f) {
      origin = o;
      schedule = s;
      onWake = f;
    },
    released(next, now) {
      if (next >= schedule.length || timer !== undefined || stopped) return;
      const due = Math.max(schedule[next]!, last + WAKE_GAP_NS);
      timer = setTimeout(fired, Math.max(1, Math.ceil((due - now) / 1e6)));
    },
    stop,
    async close() {
      stop();
    },
  };
}

/** Atomics.waitAsync (ES2024; in V8 since 8.7, Node ≥ 16), typed here because the project's TypeScript lib is older. */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: false; value: string } | { async: true; value: Promise<string> } }).waitAsync;

// Int32 slots of the shared control block: NEXT (the dispatcher's next unreleased request; -1 =
// no level), FIRE (bumped by every wake-up), STOP.
const NEXT = 0;
const FIRE = 1;
const STOP = 2;
const HEADER_BYTES = 32;

/** The helper thread: plain JavaScript, so it runs the same from build/ and under tsx. */
const HELPER = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.control, 0, 4);
const origin = new BigInt64Array(workerData.control, 16, 1);
const gap = workerData.gapNs;
let schedule = new Float64Array(0);
let last = -Infinity;
const elapsed = () => Number(process.hrtime.bigint() - origin[0]);
require('node:worker_threads').parentPort.on('message', (m) => { schedule = new Float64Array(m); last = -Infinity; loop(); });
function loop() {
  for (;;) {
    if (Atomics.load(ctl, ${STOP}) !== 0) return;
    const next = Atomics.load(ctl, ${NEXT});
    if (next < 0 || next >= schedule.length) return; // level over: back to the message loop
    const due = Math.max(schedule[next], last + gap);
    const leftMs = (due - elapsed()) / 1e6;
    // Sleep toward the due instant; the dispatcher advancing NEXT meanwhile does not wake this
    // thread (no system call on its side): the timeout does, and the loop looks again.
    if (leftMs > 0) { Atomics.wait(ctl, ${NEXT}, next, leftMs); continue; }
    last = elapsed();
    Atomics.add(ctl, ${FIRE}, 1);
    Atomics.notify(ctl, ${FIRE});
    // Give the dispatcher the gap to release it before looking again.
    Atomics.wait(ctl, ${NEXT}, next, gap / 1e6);
  }
}
`;

/**
 * A wake-up finer than Node's timers, without spinning.
 *
 * Why: setTimeout is 1 ms coarse (libuv keeps loop time in whole ms and epoll_wait takes a ms
 * timeout). Measured here (Node 20.20, 2-core machine at load average ~0.7, 5,000 sleeps of
 * 0.2–0.8 ms each, 2026-12-05): setTimeout(1) woke p50 0.80 ms / p99 1.7–2.2 ms after the due
 * instant; a futex wait in a helper thread notifying this one p50 0.10–0.12 ms / p99 0.46–0.60 ms.
 *
 * How: a helper thread holds a copy of the level's schedule and sleeps in Atomics.wait with the
 * exact timeout toward the due instant of the dispatcher's next unreleased request (a futex wait,
 * no CPU while it sleeps). When it wakes and the dispatcher has not released that request yet
 * (completions release what is due on their own), it bumps FIRE and Atomics.notify()s; this
 * thread waits for that with Atomics.waitAsync, whose promise V8 resolves through a task posted to
 * this thread's event loop, which wakes it at once. The dispatcher's side is one Atomics.store per
 * release (released()), never a system call: the helper's timeouts are what wake the helper.
 * The helper reads the same CLOCK_MONOTONIC as this thread (process.hrtime.bigint()) and fires
 * only once the due instant has passed by it. Start-up costs a thread (~20–40 ms): open it before
 * a level's origin.
 */
export async function preciseWake(): Promise<Wake> {
  const control = new SharedArrayBuffer(HEADER_BYTES);
  const ctl = new Int32Array(control, 0, 4);
  const originSlot = new BigInt64Array(control, 16, 1);
  ctl[NEXT] = -1;
  const helper = new Worker(HELPER, { eval: true, workerData: { control, gapNs: WAKE_GAP_NS } });
  await new Promise<void>((resolve, reject) => {
    helper.once('online', resolve);
    helper.once('error', reject);
  });
  let onWake = (): void => undefined;
  let stopped = false;
  let closed = false;
  const listen = (): void => {
    const w = waitAsync(ctl, FIRE, Atomics.load(ctl, FIRE));
    if (w.async) void w.value.then(fired);
    else queueMicrotask(fired);
  };
  const fired = (): void => {
    if (stopped) return;
    listen();
    onWake();
  };
  return {
    start(origin, schedule, f) {
      originSlot[0] = origin;
      onWake = f;
      const copy = new SharedArrayBuffer(schedule.byteLength);
      new Float64Array(copy).set(schedule);
      Atomics.store(ctl, NEXT, 0);
      listen();
      helper.postMessage(copy);
    },
    released(next) {
      Atomics.store(ctl, NEXT, next);
    },
    stop() {
      stopped = true;
      Atomics.store(ctl, NEXT, -1);
    },
    async close() {
      if (closed) return;
      closed = stopped = true;
      Atomics.store(ctl, STOP, 1);
      Atomics.notify(ctl, NEXT);
      await helper.terminate();
    },
  };
}
