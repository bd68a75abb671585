import type { OpenLoopSampleRow } from '../store/open-loop.js';
import { quantileSorted } from './quantile.js';

export interface QueueWait {
  /** Requests that found every session busy at their intended time (queued = 1), sent or later dropped. */
  queued: number;
  /** start − intended of every sent request, ms; null when none was sent. */
  queue_wait_mean_ms: number | null;
  queue_wait_p99_ms: number | null;
  queue_wait_max_ms: number | null;
}

/**
 * The open loop's "time spent waiting for a free connection", from stored samples only: for every
 * sent request, actual start − intended start. For a queued request that is its time in the FIFO
 * waiting for a session (plus the dispatcher's lag when it was released); for the others it is the
 * dispatcher's lag alone — so a level whose requests never queued shows the driver's own delay.
 * Failed requests count (they waited all the same); dropped ones were never sent and have no start.
 */
export function queueWait(rows: readonly OpenLoopSampleRow[]): QueueWait {
  const waits: number[] = [];
  let queued = 0;
  for (const s of rows) {
    if (s.queued === 1) queued++;
    if (s.start_ns !== null) waits.push((s.start_ns - s.intended_ns) / 1e6);
  }
  if (waits.length === 0) return { queued, queue_wait_mean_ms: null, queue_wait_p99_ms: null, queue_wait_max_ms: null };
  waits.sort((a, b) => a - b);
  let sum = 0;
  for (const w of waits) sum += w;
  return { queued, queue_wait_mean_ms: sum / waits.length, queue_wait_p99_ms: quantileSorted(waits, 0.99), queue_wait_max_ms: waits[waits.length - 1]! };
}
