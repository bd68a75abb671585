import { describe, expect, it } from 'vitest';
import { bootstrapCI, percentileCI, qpsCI, ratioOfMediansCI } from '../../lib/stats/bootstrap.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import { SeededStream } from '../../lib/workload/prng.js';

/** n draws of N(mean, sd²) by Box–Muller from a seeded stream. */
function normalSample(n: number, mean: number, sd: number, seed: number, stream: string): Float64Array {
  const rng = new SeededStream(seed, stream);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.unit())); // 1 - u in (0, 1]: log never sees 0
    out[i] = mean + sd * r * Math.cos(2 * Math.PI * rng.unit());
  }
  return out;
}

/** Latency-like (right-skewed, positive) sample: lognormal around ~2 ms. */
function latencySample(n: number, seed: number, stream = 'test:latencies'): Float64Array {
  const z = normalSample(n, 0, 0.5, seed, stream);
  return z.map((v) => 2 * Math.exp(v));
}

const median = (r: Float64Array): number => quantileSorted(r.sort(), 0.5);

describe('bootstrapCI: determinism and seeds', () => {
  const xs = latencySample(300, 1);

  it('same seed and stream → identical interval', () => {
    const a = percentileCI(xs, 0.95, { seed: 42, stream: 'p95' });
    const b = percentileCI(xs, 0.95, { seed: 42, stream: 'p95' });
    expect(b).toEqual(a);
    const c = bootstrapCI(xs, median, { seed: 7, stream: 's', resamples: 200 });
    expect(bootstrapCI(xs, median, { seed: 7, stream: 's', resamples: 200 })).toEqual(c);
  });

  it('different seed or stream → different interval, same estimate', () => {
    const a = percentileCI(xs, 0.5, { seed: 42, stream: 'p50' });
    const b = percentileCI(xs, 0.5, { seed: 43, stream: 'p50' });
    const c = percentileCI(xs, 0.5, { seed: 42, stream: 'p50-other' });
    expect(b.estimate).toBe(a.estimate);
    expect([b.low, b.high]).not.toEqual([a.low, a.high]);
    expect([c.low, c.high]).not.toEqual([a.low, a.high]);
  });

  // percentileCI and ratioOfMediansCI no longer replay the index-by-index draws of bootstrapCI
  // (they draw each resample's order statistics from their exact distribution): their equivalence
  // with it is tested statistically in order-statistic-bootstrap.test.ts.

  it('does not modify the input', () => {
    const copy = Float64Array.from(xs);
    percentileCI(xs, 0.9, { seed: 1, stream: 'm', resamples: 50 });
    qpsCI(xs, { seed: 1, stream: 'm', resamples: 50 });
    ratioOfMediansCI(xs, xs, { seed: 1, stream: 'm', resamples: 50 });
    expect(xs).toEqual(copy);
  });

  it('reports its method and defaults', () => {
    const ci = percentileCI(xs, 0.95, { seed: 1, stream: 'd' });
    expect(ci.resamples).toBe(1000);
    expect(ci.method).toBe('percentile bootstrap of the 95th percentile, 95% interval, 1000 resamples, seeded');
    const ci90 = bootstrapCI(xs, median, { seed: 1, stream: 'd', resamples: 250, confidence: 0.9 });
    expect(ci90.resamples).toBe(250);
    expect(ci90.method).toBe('percentile bootstrap, 90% interval, 250 resamples, seeded');
  });

  it('rejects invalid options', () => {
    expect(() => percentileCI(xs, 0.5, { seed: 1, stream: 's', resamples: 0 })).toThrow(RangeError);
    expect(() => percentileCI(xs, 0.5, { seed: 1, stream: 's', resamples: 10.5 })).toThrow(RangeError);
    expect(() => percentileCI(xs, 0.5, { seed: 1, stream: 's', confidence: 1 })).toThrow(RangeError);
    expect(() => percentileCI(xs, 0.5, { seed: 1, stream: 's', confidence: 0 })).toThrow(RangeError);
    expect(() => qpsCI(xs, { seed: Number.NaN, stream: 's' })).toThrow(RangeError);
  });
});

describe('bootstrapCI: interval properties', () => {
  it('the interval contains the estimate (median, p95, p99, QPS)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const xs = latencySample(400, seed);
      for (const ci of [
        percentileCI(xs, 0.5, { seed, stream: 'p50' }),
        percentileCI(xs, 0.95, { seed, stream: 'p95' }),
        percentileCI(xs, 0.99, { seed, stream: 'p99' }),
        qpsCI(xs, { seed, stream: 'qps' }),
      ]) {
        expect(ci.low).toBeLessThanOrEqual(ci.estimate);
        expect(ci.estimate).toBeLessThanOrEqual(ci.high);
        expect(ci.low).toBeLessThan(ci.high);
      }
    }
  });

  it('a wider confidence level gives a wider interval (same draws)', () => {
    const xs = latencySample(200, 9);
    const c90 = percentileCI(xs, 0.5, { seed: 1, stream: 'w', confidence: 0.9 });
    const c99 = percentileCI(xs, 0.5, { seed: 1, stream: 'w', confidence: 0.99 });
    expect(c99.low).toBeLessThanOrEqual(c90.low);
    expect(c99.high).toBeGreaterThanOrEqual(c90.high);
  });

  it('the interval shrinks with larger n on the same distribution (~1/√n)', () => {
    const width = (n: number): number => {
      const ci = percentileCI(latencySample(n, 11, `test:n${n}`), 0.5, { seed: 5, stream: 'width', resamples: 500 });
      return ci.high - ci.low;
    };
    const w100 = width(100);
    const w400 = width(400);
    const w1600 = width(1600);
    // 4× the samples should roughly halve the width.
    expect(w400).toBeLessThan(w100 * 0.75);
    expect(w1600).toBeLessThan(w400 * 0.75);
    expect(w1600).toBeLessThan(w100 * 0.4);
  });

  it('coverage: the 95% CI of the median covers the true median in most of 200 seeded trials', () => {
    // N(10, 2²) has median 10. Percentile-bootstrap coverage for the median at n = 51 is close to
    // nominal; with 200 trials the binomial sd of the rate is ~1.5 points, so 0.88..0.99 is a wide
    // sanity band (an always-too-narrow or trivially wide interval would fall outside it).
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const xs = normalSample(51, 10, 2, t, 'test:coverage');
      const ci = percentileCI(xs, 0.5, { seed: t, stream: 'coverage', resamples: 400 });
      if (ci.low <= 10 && 10 <= ci.high) covered++;
    }
    const rate = covered / trials;
    expect(rate).toBeGreaterThanOrEqual(0.88);
    expect(rate).toBeLessThanOrEqual(0.99);
  });

  it('n = 1: every resample is the value itself', () => {
    const ci = percentileCI([4.5], 0.95, { seed: 1, stream: 'one' });
    expect([ci.estimate, ci.low, ci.high]).toEqual([4.5, 4.5, 4.5]);
    const q = qpsCI([4], { seed: 1, stream: 'one' });
    expect([q.estimate, q.low, q.high]).toEqual([250, 250, 250]);
  });

  it('constant sample → zero-width interval at that value', () => {
    const ci = percentileCI(new Float64Array(50).fill(3), 0.99, { seed: 1, stream: 'c', resamples: 100 });
    expect([ci.estimate, ci.low, ci.high]).toEqual([3, 3, 3]);
  });

  it('empty samples → NaN, with the method still stated', () => {
    for (const ci of [
      percentileCI([], 0.5, { seed: 1, stream: 'e' }),
      qpsCI(new Float64Array(0), { seed: 1, stream: 'e' }),
      bootstrapCI(new Float64Array(0), median, { seed: 1, stream: 'e' }),
      ratioOfMediansCI([], [1, 2], { seed: 1, stream: 'e' }),
      ratioOfMediansCI([1, 2], [], { seed: 1, stream: 'e' }),
    ]) {
      expect(ci.estimate).toBeNaN();
      expect(ci.low).toBeNaN();
      expect(ci.high).toBeNaN();
      expect(ci.resamples).toBe(1000);
      expect(ci.method).toMatch(/^percentile bootstrap/);
    }
  });

  it('a statistic that is NaN on some resample gives a NaN interval, not a misleading one', () => {
    // NaN whenever the resample contains the 1 (most of them).
    const ci = bootstrapCI([1, 2, 3], (r) => (r.includes(1) ? Number.NaN : 1), { seed: 1, stream: 'nan', resamples: 50 });
    expect(ci.low).toBeNaN();
    expect(ci.high).toBeNaN();
  });
});

describe('qpsCI', () => {
  it('estimate equals the closed form n / (Σms / 1000)', () => {
    // 3 requests of 2 + 4 + 4 = 10 ms → 3 / 0.010 s = 300 QPS
    const ci = qpsCI([2, 4, 4], { seed: 1, stream: 'qps' });
    expect(ci.estimate).toBe(300);
    expect(ci.low).toBeLessThanOrEqual(300);
    expect(ci.high).toBeGreaterThanOrEqual(300);
    // Bounds of the bootstrap distribution: all-2 ms → 500 QPS, all-4 ms → 250 QPS.
    expect(ci.low).toBeGreaterThanOrEqual(250);
    expect(ci.high).toBeLessThanOrEqual(500);

    const xs = latencySample(500, 21);
    let sum = 0;
    for (const v of xs) sum += v;
    expect(qpsCI(xs, { seed: 2, stream: 'qps' }).estimate).toBe(xs.length / (sum / 1000));
  });

  it('no positive latency sum → NaN (latency-summary stores null then)', () => {
    expect(qpsCI([0, 0], { seed: 1, stream: 'z' }).estimate).toBeNaN();
  });
});

describe('ratioOfMediansCI', () => {
  it('estimate is median(a)/median(b) and the interval contains it', () => {
    const b = latencySample(300, 31, 'test:b');
    const a = b.map((v) => v * 2);
    const ci = ratioOfMediansCI(a, b, { seed: 1, stream: 'ratio' });
    expect(ci.estimate).toBeCloseTo(2, 12);
    expect(ci.low).toBeLessThanOrEqual(ci.estimate);
    expect(ci.high).toBeGreaterThanOrEqual(ci.estimate);
    expect(ci.method).toBe('percentile bootstrap of median(a)/median(b), a and b resampled independently, 95% interval, 1000 resamples, seeded');
  });

  it('same distribution → the interval contains 1; shifted distribution → it excludes 1', () => {
    const a = latencySample(400, 41, 'test:a');
    const b = latencySample(400, 42, 'test:b');
    const same = ratioOfMediansCI(a, b, { seed: 1, stream: 'r1' });
    expect(same.low).toBeLessThan(1);
    expect(same.high).toBeGreaterThan(1);
    const slower = ratioOfMediansCI(
      a.map((v) => v * 1.5),
      b,
      { seed: 1, stream: 'r2' },
    );
    expect(slower.low).toBeGreaterThan(1);
  });

  it('is deterministic per seed and resamples a and b independently', () => {
    const a = latencySample(100, 51, 'test:a');
    const b = latencySample(150, 52, 'test:b');
    const x = ratioOfMediansCI(a, b, { seed: 9, stream: 'r', resamples: 300 });
    expect(ratioOfMediansCI(a, b, { seed: 9, stream: 'r', resamples: 300 })).toEqual(x);
    const y = ratioOfMediansCI(a, b, { seed: 10, stream: 'r', resamples: 300 });
    expect([y.low, y.high]).not.toEqual([x.low, x.high]);
    // With b = a the two resamples still differ (independent streams): the ratio varies around 1.
    const selfRatio = ratioOfMediansCI(a, a, { seed: 9, stream: 'self', resamples: 300 });
    expect(selfRatio.estimate).toBe(1);
    expect(selfRatio.low).toBeLessThan(1);
    expect(selfRatio.high).toBeGreaterThan(1);
  });
});

describe('bootstrap speed', () => {
  // Typically ~10 ms for the quantile fast path and ~10-30 ms for QPS / ratio of medians on a
  // 2-core machine; the bound is loose so a busy CI machine does not make the test flaky.
  const xs = latencySample(1000, 61);
  const time = (f: () => unknown): number => {
    f(); // JIT warm-up
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };

  it('1000 resamples of n = 1000 take well under a second (p95, QPS, ratio of medians)', () => {
    expect(time(() => percentileCI(xs, 0.95, { seed: 1, stream: 'speed' }))).toBeLessThan(500);
    expect(time(() => qpsCI(xs, { seed: 1, stream: 'speed' }))).toBeLessThan(500);
    expect(time(() => ratioOfMediansCI(xs, xs, { seed: 1, stream: 'speed' }))).toBeLessThan(500);
  });
});
