import { describe, expect, it } from 'vitest';
import { queueWait } from '../../lib/stats/queue-wait.js';
import { summarizeOpenLoop } from '../../lib/stats/open-loop-summary.js';
import type { OpenLoopLevelRow, OpenLoopSampleRow } from '../../lib/store/open-loop.js';

const ms = 1e6;
function sample(seq: number, category: string, intendedMs: number, startMs: number | null, queued: 0 | 1, extra: Partial<OpenLoopSampleRow> = {}): OpenLoopSampleRow {
  const sent = startMs !== null;
  return {
    run_id: 'r', target: 't', offered_rate: 100, seq, session: sent ? 0 : null, query_id: 'q', category, intended_ns: intendedMs * ms,
    start_ns: sent ? startMs * ms : null, end_ns: sent ? (startMs + 4) * ms : null, queued, late: 0, dropped: sent ? 0 : 1, ok: sent ? 1 : null, error: null, ...extra,
  };
}

/**
 * A small schedule on one session with a 4 ms service time, every 10 ms, except a burst at 20–22 ms:
 *   seq 0: due 0,  free session, starts 0.1  → wait 0.1
 *   seq 1: due 10, free session, starts 10.2 → wait 0.2
 *   seq 2: due 20, free session, starts 20.1 → wait 0.1
 *   seq 3: due 21, queued behind seq 2 (ends 24.1), starts 24.1 → wait 3.1
 *   seq 4: due 22, queued behind seq 3 (ends 28.1), starts 28.1 → wait 6.1 (failed: it waited all the same)
 *   seq 5: due 23, queued, dropped before a session was free → no start, not a wait
 */
const SAMPLES = [
  sample(0, 'simple', 0, 0.1, 0),
  sample(1, 'join', 10, 10.2, 0),
  sample(2, 'simple', 20, 20.1, 0),
  sample(3, 'join', 21, 24.1, 1),
  sample(4, 'simple', 22, 28.1, 1, { ok: 0, error: 'boom' }),
  sample(5, 'join', 23, null, 1),
];

describe('open-loop queue wait (hand-computed)', () => {
  it('mean, p99 and max of start − intended over the sent requests; queued counts sent and dropped', () => {
    const w = queueWait(SAMPLES);
    // waits [0.1, 0.1, 0.2, 3.1, 6.1]: mean 9.6 / 5 = 1.92; p99: h = 4·0.99 = 3.96 → 3.1 + 0.96·3.0 = 5.98
    expect(w.queued).toBe(3);
    expect(w.queue_wait_mean_ms).toBeCloseTo(1.92, 9);
    expect(w.queue_wait_p99_ms).toBeCloseTo(5.98, 9);
    expect(w.queue_wait_max_ms).toBeCloseTo(6.1, 9);
  });

  it('is null when nothing was sent, and zero-queued when every request found a session', () => {
    expect(queueWait([sample(0, 'simple', 0, null, 1)])).toEqual({ queued: 1, queue_wait_mean_ms: null, queue_wait_p99_ms: null, queue_wait_max_ms: null });
    expect(queueWait([]).queue_wait_mean_ms).toBeNull();
    expect(queueWait(SAMPLES.slice(0, 3))).toMatchObject({ queued: 0, queue_wait_max_ms: expect.closeTo(0.2, 9) });
  });

  it('lands in the open-loop aggregates per scope, beside late and dropped', () => {
    const level: OpenLoopLevelRow = {
      run_id: 'r', target: 't', offered_rate: 100, arrival: 'uniform', sessions: 1, concurrent_sessions: 1, scheduled: 6, span_ns: 60 * ms, wall_ns: 32.1 * ms,
      late_threshold_ns: ms, drop_after_ns: 2060 * ms, max_queue: 3,
    };
    const rows = summarizeOpenLoop('r', SAMPLES, [level]);
    expect(rows.find((r) => r.scope === 'all')).toMatchObject({ queued: 3, dropped: 1, queue_wait_max_ms: expect.closeTo(6.1, 9) });
    // join: seq 1 (0.2), seq 3 (3.1), seq 5 dropped → mean 1.65, max 3.1, 2 queued
    expect(rows.find((r) => r.scope === 'join')).toMatchObject({ queued: 2, queue_wait_mean_ms: expect.closeTo(1.65, 9), queue_wait_max_ms: expect.closeTo(3.1, 9) });
    // simple: 0.1, 0.1, 6.1 → mean 2.1
    expect(rows.find((r) => r.scope === 'simple')).toMatchObject({ queued: 1, queue_wait_mean_ms: expect.closeTo(2.1, 9) });
  });
});
