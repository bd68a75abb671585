import { describe, expect, it } from 'vitest';
import { recurringPositions, tailAnatomy, type TailSample } from '../../lib/stats/tail-anatomy.js';

const MS = 1e6;

/** 100 requests per query, 1 ms apart, each 0.1 ms, except the ones made slow. */
function samples(query: string, slow: Record<number, number>, start = 0, rows = () => 1): TailSample[] {
  return Array.from({ length: 100 }, (_, i) => ({ target: 't', query_id: query, iteration: i, start_ns: start + i * 10 * MS, elapsed_ns: (slow[i] ?? 0.1) * MS, row_count: rows() }));
}

describe('tail anatomy', () => {
  it('gives each tail request the first cause that fits: gc, parameter, shared, rows, unexplained', () => {
    const xs = [
      ...samples('a', { 10: 5 }), // overlaps the pause below
      // b: iteration parity is the parameter; the odd value is slow on the whole (median 0.3 vs 0.1)
      ...samples('b', Object.fromEntries(Array.from({ length: 50 }, (_, k) => [2 * k + 1, k === 20 ? 9 : 0.3]))),
      ...samples('c', { 60: 4 }, 0.05 * MS), // same moment as d's slow one: shared
      ...samples('d', { 60: 4 }, 0.07 * MS),
      ...samples('e', { 80: 3 }, 3 * MS, (() => { let i = 0; return () => (i++ === 80 ? 7 : 5); })()),
      ...samples('f', { 30: 3 }, 5 * MS),
    ];
    const pauses = [{ start_ns: 100 * MS + 0.5 * MS, duration_ns: 2 * MS }];
    const rows = tailAnatomy(xs, pauses, { paramOf: (q, i) => (q === 'b' ? `v${i % 2}` : undefined), nearMs: 1 });
    const by = new Map(rows.map((r) => [r.query_id, r]));
    expect(by.get('a')!.causes.gc).toBe(1);
    expect(by.get('b')!.causes.parameter).toBe(1);
    expect(by.get('b')!.slowestValue).toEqual({ value: 'v1', ratio: 1.5 });
    expect(by.get('c')!.causes.shared).toBe(1);
    expect(by.get('d')!.causes.shared).toBe(1);
    expect(by.get('e')!.causes.rows).toBe(1);
    expect(by.get('f')!.causes.unexplained).toBe(1);
    expect(by.get('f')!.positions).toEqual([30]);
    for (const r of rows) expect(r.tail).toBe(1);
  });

  it('counts tail positions that recur in another run', () => {
    expect(recurringPositions([3, 7, 9, 11], [7, 11, 12])).toBe(0.5);
    expect(recurringPositions([], [1])).toBe(0);
  });
});
