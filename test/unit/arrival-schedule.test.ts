import { describe, expect, it } from 'vitest';
import { arrivalSchedule, scheduleSpanNs } from '../../lib/workload/arrival-schedule.js';

describe('arrival schedule', () => {
  it('uniform: request i at exactly i·10⁹/rate ns', () => {
    expect([...arrivalSchedule({ seed: 1, rate: 4, arrival: 'uniform', requests: 5 })]).toEqual([0, 250e6, 500e6, 750e6, 1e9]);
    // duration mode: every arrival with offset < duration, i.e. ⌈duration·rate⌉ of them
    expect([...arrivalSchedule({ seed: 1, rate: 4, arrival: 'uniform', durationNs: 1e9 })]).toEqual([0, 250e6, 500e6, 750e6]);
    expect(arrivalSchedule({ seed: 1, rate: 3, arrival: 'uniform', durationNs: 1e9 + 1 }).length).toBe(4);
    // rounded to the nanosecond: 1/3 s
    expect(arrivalSchedule({ seed: 1, rate: 3, arrival: 'uniform', requests: 3 })[1]).toBe(333_333_333);
    // the seed does not matter for uniform arrivals
    expect(arrivalSchedule({ seed: 9, rate: 4, arrival: 'uniform', requests: 5 })).toEqual(arrivalSchedule({ seed: 1, rate: 4, arrival: 'uniform', requests: 5 }));
  });

  it('poisson: the same seed gives the same schedule, another seed or rate a different one', () => {
    const a = arrivalSchedule({ seed: 42, rate: 100, arrival: 'poisson', requests: 1000 });
    const b = arrivalSchedule({ seed: 42, rate: 100, arrival: 'poisson', requests: 1000 });
    expect(b).toEqual(a);
    expect(arrivalSchedule({ seed: 43, rate: 100, arrival: 'poisson', requests: 1000 })).not.toEqual(a);
    expect(arrivalSchedule({ seed: 42, rate: 101, arrival: 'poisson', requests: 1000 })[0]).not.toBe(a[0]);
    for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[i - 1]!);
    expect(a[0]!).toBeGreaterThan(0); // a Poisson process started at 0: the first arrival comes after one gap
  });

  it('poisson: exponential gaps with mean 1/rate and variance 1/rate²', () => {
    const rate = 200;
    const n = 50_000;
    const t = arrivalSchedule({ seed: 7, rate, arrival: 'poisson', requests: n });
    const gaps = Array.from(t, (x, i) => (x - (i ? t[i - 1]! : 0)) / 1e9);
    const mean = gaps.reduce((s, g) => s + g, 0) / n;
    const variance = gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / (n - 1);
    // standard error of the mean is (1/rate)/√n ≈ 0.45% of the mean: 2% is > 4 standard errors
    expect(Math.abs(mean * rate - 1)).toBeLessThan(0.02);
    expect(Math.abs(variance * rate * rate - 1)).toBeLessThan(0.05);
    // memorylessness shows as P(gap > mean) = e^-1
    const above = gaps.filter((g) => g > 1 / rate).length / n;
    expect(Math.abs(above - Math.exp(-1))).toBeLessThan(0.01);
  });

  it('poisson duration mode: arrivals strictly before the duration, about rate × duration of them', () => {
    const t = arrivalSchedule({ seed: 3, rate: 1000, arrival: 'poisson', durationNs: 10e9 });
    expect(t[t.length - 1]!).toBeLessThan(10e9);
    // Poisson count: mean 10,000, sd 100
    expect(Math.abs(t.length - 10_000)).toBeLessThan(500);
    expect(scheduleSpanNs({ seed: 3, rate: 1000, arrival: 'poisson', durationNs: 10e9 })).toBe(10e9);
    expect(scheduleSpanNs({ seed: 3, rate: 1000, arrival: 'poisson', requests: 500 })).toBe(0.5e9);
  });

  it('rejects a non-positive rate and an ambiguous length', () => {
    expect(() => arrivalSchedule({ seed: 1, rate: 0, arrival: 'uniform', requests: 1 })).toThrow(/rate must be a positive/);
    expect(() => arrivalSchedule({ seed: 1, rate: 1, arrival: 'uniform' })).toThrow(/exactly one/);
    expect(() => arrivalSchedule({ seed: 1, rate: 1, arrival: 'uniform', requests: 1, durationNs: 1 })).toThrow(/exactly one/);
  });
});
