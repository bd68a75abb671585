import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { medianOf, quantileSorted } from '../../lib/stats/quantile.js';
import { SeededStream } from '../../lib/workload/prng.js';

describe('quantileSorted: linear interpolation, h = (n-1)·p', () => {
  const x = [1, 2, 3, 4];

  it('interpolates between closest ranks', () => {
    // h = 3·0.5 = 1.5 → x[1] + 0.5·(x[2]-x[1]) = 2 + 0.5 = 2.5
    expect(quantileSorted(x, 0.5)).toBe(2.5);
    // h = 3·0.25 = 0.75 → 1 + 0.75·1 = 1.75
    expect(quantileSorted(x, 0.25)).toBe(1.75);
    // h = 3·(2/3) = 2 exactly → x[2] = 3
    expect(quantileSorted(x, 2 / 3)).toBe(3);
  });

  it('p = 0 is the minimum and p = 1 the maximum', () => {
    expect(quantileSorted(x, 0)).toBe(1);
    expect(quantileSorted(x, 1)).toBe(4);
  });

  it('clamps p to [0, 1]', () => {
    expect(quantileSorted(x, -0.5)).toBe(1);
    expect(quantileSorted(x, 1.5)).toBe(4);
    expect(quantileSorted(x, Number.NEGATIVE_INFINITY)).toBe(1);
    expect(quantileSorted(x, Number.POSITIVE_INFINITY)).toBe(4);
  });

  it('p just below 1 is the maximum, never past the end', () => {
    const big = Float64Array.from({ length: 1001 }, (_, i) => i);
    expect(quantileSorted(big, 1 - Number.EPSILON / 2)).toBeCloseTo(1000, 9);
    expect(Number.isFinite(quantileSorted(big, 1 - Number.EPSILON / 2))).toBe(true);
  });

  it('n = 1 returns the only value for every p', () => {
    for (const p of [0, 0.01, 0.5, 0.99, 1]) expect(quantileSorted([7.25], p)).toBe(7.25);
    expect(quantileSorted(new Float64Array([3]), 0.95)).toBe(3);
  });

  it('n = 0 and p = NaN give NaN', () => {
    expect(quantileSorted([], 0.5)).toBeNaN();
    expect(quantileSorted(new Float64Array(0), 0)).toBeNaN();
    expect(quantileSorted(x, Number.NaN)).toBeNaN();
  });

  it('handles ties', () => {
    const t = [1, 2, 2, 2, 3];
    // h = 4·0.5 = 2 → x[2] = 2
    expect(quantileSorted(t, 0.5)).toBe(2);
    // h = 4·0.25 = 1 → x[1] = 2
    expect(quantileSorted(t, 0.25)).toBe(2);
    // h = 4·0.1 = 0.4 → 1 + 0.4·(2-1) = 1.4
    expect(quantileSorted(t, 0.1)).toBeCloseTo(1.4, 12);
    // h = 4·0.9 = 3.6 → 2 + 0.6·(3-2) = 2.6
    expect(quantileSorted(t, 0.9)).toBeCloseTo(2.6, 12);
    // all equal → that value everywhere
    for (const p of [0, 0.3, 0.5, 0.999, 1]) expect(quantileSorted([4, 4, 4, 4], p)).toBe(4);
  });

  it('matches numpy (method="linear") values', () => {
    // np.percentile([1..10], 95) → 9.549999999999999 (h = 9·0.95 = 8.55)
    expect(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBeCloseTo(9.55, 12);
    // np.quantile(sorted([3,1,4,1,5,9,2,6]) = [1,1,2,3,4,5,6,9], [0.1, 0.33, 0.9]) → [1, 2.31, 6.9]
    const s = [1, 1, 2, 3, 4, 5, 6, 9];
    expect(quantileSorted(s, 0.1)).toBeCloseTo(1, 12); // h = 0.7, between two 1s
    expect(quantileSorted(s, 0.33)).toBeCloseTo(2.31, 12); // h = 2.31 → 2 + 0.31·1
    expect(quantileSorted(s, 0.9)).toBeCloseTo(6.9, 12); // h = 6.3 → 6 + 0.3·3
  });

  it('is bit-identical to arquero op.quantile (the aggregates in the store)', () => {
    const rng = new SeededStream(20240601, 'test:quantile');
    const values = Array.from({ length: 257 }, () => Math.round(Math.exp(rng.unit() * 5) * 1000) / 1000);
    const sorted = Float64Array.from(values).sort();
    const ps = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1, 0.123, 0.37];
    const spec = Object.fromEntries(ps.map((p, i) => [`q${i}`, `d => op.quantile(d.v, ${p})`]));
    const row = aq.table({ v: values }).rollup(spec).objects()[0] as Record<string, number>;
    ps.forEach((p, i) => expect(quantileSorted(sorted, p), `p=${p}`).toBe(row[`q${i}`]));
  });

  it('accepts Float64Array and number[] alike', () => {
    const arr = [0.5, 1.5, 10, 20.25];
    for (const p of [0.05, 0.5, 0.95]) expect(quantileSorted(Float64Array.from(arr), p)).toBe(quantileSorted(arr, p));
  });
});

describe('medianOf: the median of values in any order', () => {
  it('sorts a copy: odd and even counts, NaN when empty, the input left as it was', () => {
    const xs = [5, 1, 4, 2];
    expect(medianOf(xs)).toBe(3); // sorted 1 2 4 5: h = 1.5 → 2 + 0.5·2
    expect(xs).toEqual([5, 1, 4, 2]);
    const f = Float64Array.from([9, 3, 6]);
    expect(medianOf(f)).toBe(6);
    expect([...f]).toEqual([9, 3, 6]);
    expect(medianOf([])).toBeNaN();
  });
});
