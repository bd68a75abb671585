import type { CallTiming, Session } from '../targets/interface.js';
import { sendCall, type PreparedCall } from './prepare.js';

export interface Timing {
  /** process.hrtime.bigint() at the call. */
  t0: bigint;
  elapsedNs: bigint;
  rowCount: number | null;
  /** undefined when the query succeeded. */
  error: unknown;
}

/**
 * The readings a session took around the call in its own thread (QueryOutcome.timing, or
 * `timing` on its error; lib/measure/in-thread-call.ts), or undefined. Read after the caller's
 * second clock reading, never inside the timed region.
 */
export function inThreadTiming(outcomeOrError: unknown): CallTiming | undefined {
  const t = (outcomeOrError as { timing?: Partial<CallTiming> } | null | undefined)?.timing;
  return typeof t?.t0 === 'bigint' && typeof t.elapsedNs === 'bigint' ? (t as CallTiming) : undefined;
}

/**
 * The timed region: nothing but the query — execute plus full fetch of its rows — between the
 * two clock readings. No logging, no store writes, no parameter encoding, no other awaits.
 * A session that timed the call in its own thread (iris-native) reports those readings; they
 * replace the ones taken here, which include the hops between threads.
 */
export async function timedCall(session: Session, sql: string, params: readonly unknown[], then?: PreparedCall): Promise<Timing> {
  let outcome: Awaited<ReturnType<Session['query']>> | undefined;
  let error: unknown = undefined;
  const t0 = process.hrtime.bigint();
  try {
    // A chain (then: delete_insert's two statements) is sent whole, nothing else in between.
    outcome = then ? await sendCall(session, { sql, params, then }) : await session.query(sql, params);
  } catch (err) {
    error = err ?? new Error('query rejected without a reason');
  }
  const t1 = process.hrtime.bigint();
  const rowCount = outcome === undefined ? null : outcome.rowCount;
  const own = inThreadTiming(error === undefined ? outcome : error);
  if (own !== undefined) return { t0: own.t0, elapsedNs: own.elapsedNs, rowCount, error };
  return { t0, elapsedNs: t1 - t0, rowCount, error };
}

/** Clock origin of a phase; start offsets are stored relative to it (ns). */
export function clockNow(): bigint {
  return process.hrtime.bigint();
}
