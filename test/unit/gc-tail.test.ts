import { describe, expect, it } from 'vitest';
import { watchGc } from '../../lib/measure/gc-watch.js';
import { gcTail } from '../../lib/stats/gc-tail.js';

const s = (target: string, query_id: string, start_ns: number, elapsed_ns: number) => ({ target, query_id, start_ns, elapsed_ns });

describe('GC pauses and the tail they overlap', () => {
  it('counts a request as overlapped when a pause starts before it ends and ends after it starts (hand-checked)', () => {
    // 200 requests of 1 µs at 0, 10, 20, … µs; the two slowest are #50 (50 µs long) and #150.
    const samples = Array.from({ length: 200 }, (_, i) => s('a', 'q', i * 10_000, i === 50 || i === 150 ? 50_000 : 1_000));
    const pauses = [
      { start_ns: 502_000, duration_ns: 5_000, kind: 'minor' }, // inside #50 (500–550 µs), before #51 starts (510 µs)
      { start_ns: 29_000, duration_ns: 2_000, kind: 'minor' }, //  ends at 31 µs: overlaps #3 (30–31 µs) only
      { start_ns: 41_000, duration_ns: 9_000, kind: 'major' }, //  41–50 µs: touches #5's start exactly — no overlap
    ];
    const g = gcTail(samples, pauses);
    expect(g.pauses).toBe(3);
    expect(g.by_kind).toEqual({ minor: 2, major: 1 });
    expect(g.total_ms).toBeCloseTo(0.016, 9);
    expect(g.max_ms).toBeCloseTo(0.009, 9);
    expect(g.rows).toEqual([{ target: 'a', query_id: 'q', requests: 200, overlapped: 2, tail: 2, tail_overlapped: 1 }]);
  });

  it('the tail is the slowest 1%, at least one request, per target × query', () => {
    const samples = [s('b', 'q', 0, 5), s('b', 'q', 100, 9), s('a', 'q', 0, 1)];
    const g = gcTail(samples, [{ start_ns: 104, duration_ns: 1, kind: 'minor' }]);
    expect(g.rows.map((r) => [r.target, r.tail, r.tail_overlapped])).toEqual([['a', 1, 0], ['b', 1, 1]]);
    expect(gcTail(samples, []).max_ms).toBe(0);
  });

  it('watchGc sees a pause this process caused, on the hrtime clock, between the readings around it', async () => {
    const w = watchGc();
    const before = process.hrtime.bigint();
    let junk: object[] = [];
    for (let i = 0; i < 2_000_000; i++) junk.push({ i });
    junk = [];
    const after = process.hrtime.bigint();
    const pauses = await w.stop();
    expect(junk).toHaveLength(0);
    expect(pauses.length).toBeGreaterThan(0);
    for (const p of pauses) {
      expect(['minor', 'major', 'incremental', 'weakcb', 'other']).toContain(p.kind);
      expect(p.durationNs).toBeGreaterThan(0);
    }
    // At least one pause lies within the allocation loop (±1 ms for the clock conversion).
    expect(pauses.some((p) => p.startHrNs >= before - 1_000_000n && p.startHrNs <= after + 1_000_000n)).toBe(true);
  });
});
