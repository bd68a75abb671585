import { describe, expect, it } from 'vitest';
import { abbaBlocks } from '../../lib/measure/abba-blocks.js';
import { combineVerdicts, distinguishableFromNone, overheadVerdict, pairRatios, summarizeRatios } from '../../lib/stats/paired-ratios.js';

const ci = (low: number, high: number) => ({ estimate: (low + high) / 2, low, high, resamples: 1, method: 'test' });

describe('paired ratios (make bench-harness)', () => {
  it('divides pair by pair and refuses unequal lengths', () => {
    expect(pairRatios([2, 3, 10], [1, 3, 4])).toEqual([2, 1, 2.5]);
    expect(() => pairRatios([1, 2], [1])).toThrow(/2 values of A but 1 of B/);
  });

  it('summarises by the median with a seeded CI that contains it and narrows with more pairs', () => {
    const few = [1.1, 0.9, 1.3, 1.0, 1.05, 0.95, 1.2];
    const s = summarizeRatios(few, 42, 't');
    expect(s.n).toBe(7);
    expect(s.ci.estimate).toBe(1.05);
    expect(s.ci.low).toBeLessThanOrEqual(1.05);
    expect(s.ci.high).toBeGreaterThanOrEqual(1.05);
    expect(summarizeRatios(few, 42, 't')).toEqual(s); // reproducible
    const many = Array.from({ length: 10 }, () => few).flat();
    const m = summarizeRatios(many, 42, 't');
    expect(m.ci.high - m.ci.low).toBeLessThan(s.ci.high - s.ci.low);
  });

  it('judges the goal on the whole CI: met, not met, or inconclusive when it straddles the limit', () => {
    expect(overheadVerdict(ci(0.98, 1.03), 0.05)).toBe('met');
    expect(overheadVerdict(ci(1.06, 1.2), 0.05)).toBe('not met');
    expect(overheadVerdict(ci(1.01, 1.08), 0.05)).toBe('inconclusive');
    expect(overheadVerdict(ci(Number.NaN, Number.NaN), 0.05)).toBe('inconclusive');
    expect(combineVerdicts(['met', 'met'])).toBe('met');
    expect(combineVerdicts(['met', 'inconclusive'])).toBe('inconclusive');
    expect(combineVerdicts(['inconclusive', 'not met'])).toBe('not met');
    expect(distinguishableFromNone(ci(0.97, 1.02))).toBe(false);
    expect(distinguishableFromNone(ci(1.01, 1.02))).toBe(true);
    expect(distinguishableFromNone(ci(0.9, 0.99))).toBe(true);
  });
});

describe('abbaBlocks', () => {
  it('runs A B, B A, A B, … with the warm-up pairs first and apart', async () => {
    const log: string[] = [];
    let k = 0;
    const r = await abbaBlocks(
      4, 1,
      async () => (log.push('A'), `a${k++}`),
      async () => (log.push('B'), `b${k++}`),
    );
    expect(log.join('')).toBe('AB' + 'BA' + 'AB' + 'BA' + 'AB');
    expect(r.warmup).toEqual({ a: ['a0'], b: ['b1'] });
    expect(r.aFirst).toEqual([false, true, false, true]);
    // pair 1 (B first): b2 then a3
    expect(r.a[0]).toBe('a3');
    expect(r.b[0]).toBe('b2');
    expect(r.a).toHaveLength(4);
    await expect(abbaBlocks(0, 0, async () => 1, async () => 1)).rejects.toThrow(/pairs must be an integer >= 1/);
  });
});
