import type { CallTiming } from '../targets/interface.js';

/**
 * The timed region for a session whose driver blocks its thread (the IRIS Native SDK): the
 * session runs each call in a worker thread of its own (lib/targets/iris-native/worker-session.ts)
 * and times it there with this function — lib/measure code, in the thread that makes the call, with
 * nothing but the call between the two clock readings. The readings travel back with the outcome
 * (QueryOutcome.timing, or `timing` on the error) and every timed loop uses them instead of its
 * own, which would add the two message hops between the threads (timedCall, runPhase).
 *
 * process.hrtime.bigint() reads CLOCK_MONOTONIC, one clock for every thread of the process, so a
 * t0 taken here is comparable with the loops' origins taken on the main thread
 * (test/unit/iris-native-worker.test.ts checks it lies between the main thread's readings around the call).
 */
export type InThreadResult<T> = { ok: true; value: T; timing: CallTiming } | { ok: false; error: unknown; timing: CallTiming };

export function timedSyncCall<T>(call: () => T): InThreadResult<T> {
  let value: T | undefined;
  let error: unknown;
  let failed = false;
  const t0 = process.hrtime.bigint();
  try {
    value = call();
  } catch (err) {
    failed = true;
    error = err ?? new Error('call threw without a reason');
  }
  const t1 = process.hrtime.bigint();
  const timing = { t0, elapsedNs: t1 - t0 };
  return failed ? { ok: false, error, timing } : { ok: true, value: value as T, timing };
}
