import { SeededStream } from './prng.js';

/**
 * Intended start times of an open-loop level: offsets in integer nanoseconds from the level's
 * origin, ascending. Pure and seeded: the same (seed, rate, arrival, length) gives the same
 * schedule on every target and every run, so every path is offered the identical load.
 *
 * - `uniform`: request i at i·10⁹/rate ns (rounded to the nanosecond) — fixed gaps, as wrk2.
 * - `poisson`: gaps drawn independently from Exp(rate): gap = −ln(1 − u)/rate with u uniform in
 *   [0, 1) from the project PRNG; request i at the sum of the first i+1 gaps (a Poisson process
 *   started at 0, so the first request comes after one gap) — as pgbench --rate.
 *
 * Length: `requests` (exactly that many) or `durationNs` (every arrival with offset < durationNs;
 * for uniform that is ⌈durationNs·rate/10⁹⌉ requests). The stream is named per rate and process,
 * so levels are independent of each other and of every other stream of the run.
 */
export type Arrival = 'uniform' | 'poisson';

export interface ScheduleSpec {
  seed: number;
  /** Offered rate, requests per second (> 0). */
  rate: number;
  arrival: Arrival;
  requests?: number;
  durationNs?: number;
}

export function arrivalSchedule(s: ScheduleSpec): Float64Array {
  if (!(s.rate > 0) || !Number.isFinite(s.rate)) throw new RangeError(`arrival schedule: rate must be a positive number, got ${s.rate}`);
  if ((s.requests === undefined) === (s.durationNs === undefined)) throw new RangeError('arrival schedule: give exactly one of requests and durationNs');
  const gapNs = 1e9 / s.rate;
  if (s.arrival === 'uniform') {
    const n = s.requests ?? Math.ceil((s.durationNs! * s.rate) / 1e9 - 1e-9);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.round((i * 1e9) / s.rate);
    return out;
  }
  const rng = new SeededStream(s.seed, `arrivals:poisson:${s.rate}`);
  const out: number[] = [];
  let t = 0;
  for (;;) {
    t += -Math.log(1 - rng.unit()) * gapNs;
    const at = Math.round(t);
    if (s.requests !== undefined ? out.length >= s.requests : at >= s.durationNs!) break;
    out.push(at);
  }
  return Float64Array.from(out);
}

/** The nominal length of a level in ns: its duration, or requests ÷ rate in count mode. */
export function scheduleSpanNs(s: ScheduleSpec): number {
  return s.durationNs ?? Math.round((s.requests! * 1e9) / s.rate);
}
