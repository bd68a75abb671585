/**
 * Coarse elapsed-time readings for work that is reported but not benchmarked (data loading,
 * index builds, stage durations). Lives in lib/measure because only this folder reads the clock.
 */
export interface Stopwatch {
  /** Seconds since start (float). */
  seconds(): number;
}

export function stopwatch(): Stopwatch {
  const t0 = process.hrtime.bigint();
  return { seconds: () => Number(process.hrtime.bigint() - t0) / 1e9 };
}
