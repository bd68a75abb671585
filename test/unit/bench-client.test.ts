import { describe, expect, it } from 'vitest';
import { goalVerdict, latenessNs, medianCI, pgbenchTps, quantileOf } from '../../lib/bench/client-figures.js';

const ci = (estimate: number, low: number, high: number) => ({ estimate, low, high, resamples: 1, method: 'test' });

describe('bench-client arithmetic', () => {
  it('lateness is start − intended of the sent requests, ascending; with `queued`, only of those that found a free session', () => {
    const schedule = Float64Array.of(0, 10, 20, 30);
    const start = Float64Array.of(5, Number.NaN, 21, 60);
    expect([...latenessNs(schedule, start)]).toEqual([1, 5, 30]);
    expect([...latenessNs(schedule, start, Uint8Array.of(0, 0, 0, 1))]).toEqual([1, 5]);
    expect(quantileOf(latenessNs(schedule, start), 0.5)).toBe(5);
    expect(quantileOf(new Float64Array(0), 0.5)).toBeNaN();
  });
  it('goals are judged on the whole CI: met, not met, or inconclusive when it straddles the goal', () => {
    expect(goalVerdict(ci(0.95, 0.92, 0.97), 0.9, 'atLeast')).toBe('met');
    expect(goalVerdict(ci(0.85, 0.8, 0.89), 0.9, 'atLeast')).toBe('not met');
    expect(goalVerdict(ci(0.9, 0.85, 0.95), 0.9, 'atLeast')).toBe('inconclusive');
    expect(goalVerdict(ci(0.5, 0.4, 0.9), 1, 'atMost')).toBe('met');
    expect(goalVerdict(ci(1.5, 1.2, 1.8), 1, 'atMost')).toBe('not met');
    expect(goalVerdict(ci(1, 0.8, 1.2), 1, 'atMost')).toBe('inconclusive');
    expect(goalVerdict(ci(Number.NaN, Number.NaN, Number.NaN), 1, 'atMost')).toBe('inconclusive');
  });
  it('the median over rounds comes with a seeded CI that contains it', () => {
    const a = medianCI([3, 1, 2, 5, 4], 1, 's');
    expect(a.estimate).toBe(3);
    expect(a.low).toBeLessThanOrEqual(3);
    expect(a.high).toBeGreaterThanOrEqual(3);
    expect(medianCI([3, 1, 2, 5, 4], 1, 's')).toEqual(a);
  });
  it("reads pgbench's tps without the connection time, and names what it printed otherwise", () => {
    const out = 'number of transactions actually processed: 90000\nlatency average = 0.26 ms\ntps = 30364.491 (without initial connection time)\n';
    expect(pgbenchTps(out)).toBeCloseTo(30364.491);
    expect(() => pgbenchTps('pgbench: error: connection refused')).toThrow(/no "tps = … \(without initial connection time\)" line .*connection refused/);
  });
});
