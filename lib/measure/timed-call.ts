import type { Session } from '../targets/interface.js';

export interface Timing {
  /** process.hrtime.bigint() at the call. */
  t0: bigint;
  elapsedNs: bigint;
  rowCount: number | null;
  /** undefined when the query succeeded. */
  error: unknown;
}

/**
 * The timed region: nothing but the query — execute plus full fetch of its rows — between the
 * two clock readings. No logging, no store writes, no parameter encoding, no other awaits.
 */
export async function timedCall(session: Session, sql: string, params: readonly unknown[]): Promise<Timing> {
  let rowCount: number | null = null;
  let error: unknown = undefined;
  const t0 = process.hrtime.bigint();
  try {
    rowCount = (await session.query(sql, params)).rowCount;
  } catch (err) {
    error = err ?? new Error('query rejected without a reason');
  }
  const t1 = process.hrtime.bigint();
  return { t0, elapsedNs: t1 - t0, rowCount, error };
}

/** Clock origin of a phase; start offsets are stored relative to it (ns). */
export function clockNow(): bigint {
  return process.hrtime.bigint();
}
