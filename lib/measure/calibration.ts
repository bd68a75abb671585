import type { Session } from '../targets/interface.js';
import { timedCall } from './timed-call.js';

/**
 * The floor under every figure: what the clock can resolve, what one reading costs, and the
 * round trip of an empty statement per target through the same timed call the workload uses.
 */
export interface ClockCalibration {
  /** Smallest non-zero difference between consecutive process.hrtime.bigint() readings (ns). */
  resolution_ns: number;
  /** Mean cost of one reading (ns). */
  reading_cost_ns: number;
}

export function calibrateClock(readings = 100_000): ClockCalibration {
  let minStep = Number.POSITIVE_INFINITY;
  const t0 = process.hrtime.bigint();
  let prev = t0;
  for (let i = 0; i < readings; i++) {
    const t = process.hrtime.bigint();
    const step = Number(t - prev);
    if (step > 0 && step < minStep) minStep = step;
    prev = t;
  }
  return { resolution_ns: Number.isFinite(minStep) ? minStep : 0, reading_cost_ns: Number(prev - t0) / readings };
}

/** Median round trip (ms) of `sql` (an empty statement) over `n` timed calls. */
export async function emptyStatementRtt(session: Session, sql: string, n = 200): Promise<number> {
  const ms = new Float64Array(n);
  for (let i = 0; i < n; i++) ms[i] = Number((await timedCall(session, sql, [])).elapsedNs) / 1e6;
  ms.sort();
  return n % 2 ? ms[(n - 1) / 2]! : (ms[n / 2 - 1]! + ms[n / 2]!) / 2;
}
