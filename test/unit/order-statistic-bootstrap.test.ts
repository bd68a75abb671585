import { describe, expect, it } from 'vitest';
import { bootstrapCI, percentileCI, QPS_MONTE_CARLO_MAX_N, qpsCI, ratioOfMediansCI } from '../../lib/stats/bootstrap.js';
import { meanBootstrapQuantiles, normalQuantile } from '../../lib/stats/mean-bootstrap.js';
import { OrderStatisticResampler } from '../../lib/stats/order-statistic-resampler.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import { SeededStream } from '../../lib/workload/prng.js';

/**
 * The fast bootstrap paths against the straightforward Monte Carlo bootstrap (n index draws per
 * resample, sort, quantile). They use other random numbers, so the comparison is statistical:
 *  - distributions of one resample's statistic: two-sample Kolmogorov–Smirnov distance over
 *    40,000 draws each, bound 0.015 (the 0.1% critical value of the KS test at these sizes is
 *    1.95·√(2/40,000) = 0.0138; every comparison is seeded, so a pass is reproducible);
 *  - exactness: the k-th order statistic's CDF against the closed form P(Bin(n, (j+1)/n) ≥ k);
 *  - intervals on moderate data: each end within 15% of the Monte Carlo interval's width
 *    (2,000–4,000 resamples, so Monte Carlo noise is a few % of the width).
 */

function lognormal(n: number, seed: number, stream: string, sigma = 0.5): Float64Array {
  const rng = new SeededStream(seed, stream);
  return Float64Array.from({ length: n }, () => 2 * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - rng.unit())) * Math.cos(2 * Math.PI * rng.unit())));
}

/** The straightforward resample statistic: n index draws, sort, quantileSorted. */
function directQuantile(xs: Float64Array, p: number, rng: SeededStream): number {
  const r = new Float64Array(xs.length);
  for (let i = 0; i < r.length; i++) r[i] = xs[Math.floor(rng.unit() * xs.length)]!;
  return quantileSorted(r.sort(), p);
}

function ksDistance(a: Float64Array, b: Float64Array): number {
  a.sort();
  b.sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const v = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

const DRAWS = 40_000;

describe('OrderStatisticResampler: one resample quantile has the distribution of sort-n-draws', () => {
  const cases: [string, Float64Array][] = [
    ['lognormal n=120', lognormal(120, 1, 'a')],
    ['ties n=100 (values 0..10)', lognormal(100, 2, 'b').map((v) => Math.round(v))],
    ['n=2', Float64Array.from([5, 1])],
    ['n=7', Float64Array.from([3, 9, 1, 4, 4, 8, 2])],
  ];
  for (const [name, xs] of cases) {
    it(name, () => {
      for (const p of [0, 0.37, 0.5, 0.95, 1]) {
        const fast = new OrderStatisticResampler(xs, new SeededStream(7, `fast:${name}:${p}`));
        const rng = new SeededStream(7, `direct:${name}:${p}`);
        const f = Float64Array.from({ length: DRAWS }, () => fast.quantile(p));
        const d = Float64Array.from({ length: DRAWS }, () => directQuantile(xs, p, rng));
        expect(ksDistance(f, d), `p=${p}`).toBeLessThan(0.015);
      }
    });
  }

  it('the k-th order statistic matches its closed-form CDF P(Bin(n, (j+1)/n) ≥ k)', () => {
    const n = 11;
    const xs = Float64Array.from({ length: n }, (_, i) => i); // distinct: rank j ↔ value j
    const binomTail = (k: number, p: number) => {
      let s = 0;
      for (let m = k; m <= n; m++) {
        let c = 1;
        for (let i = 0; i < m; i++) c = (c * (n - i)) / (i + 1);
        s += c * p ** m * (1 - p) ** (n - m);
      }
      return s;
    };
    for (const k of [1, 4, 6, 11]) {
      const rs = new OrderStatisticResampler(xs, new SeededStream(3, `exact:${k}`));
      const counts = new Float64Array(n);
      const N = 200_000;
      for (let i = 0; i < N; i++) counts[rs.orderStatistic(k - 1)]!++;
      let cum = 0;
      for (let j = 0; j < n; j++) {
        cum += counts[j]! / N;
        expect(Math.abs(cum - binomTail(k, (j + 1) / n)), `k=${k} j=${j}`).toBeLessThan(0.005);
      }
    }
  });
});

describe('intervals against the Monte Carlo bootstrap on moderate data', () => {
  const B = 4000;
  const within = (fast: { low: number; high: number }, mc: { low: number; high: number }, label: string) => {
    const width = mc.high - mc.low;
    expect(width, label).toBeGreaterThan(0);
    expect(Math.abs(fast.low - mc.low), `${label} low`).toBeLessThan(0.15 * width);
    expect(Math.abs(fast.high - mc.high), `${label} high`).toBeLessThan(0.15 * width);
  };

  it('percentileCI: p50, p95, p99 of lognormal n = 300 and 2,000', () => {
    for (const n of [300, 2000]) {
      const xs = lognormal(n, 11, `ci:${n}`);
      for (const p of [0.5, 0.95, 0.99]) {
        const fast = percentileCI(xs, p, { seed: 5, stream: `p${p}`, resamples: B });
        const mc = bootstrapCI(xs, (r) => quantileSorted(r.sort(), p), { seed: 5, stream: `mc:p${p}`, resamples: B });
        expect(fast.estimate).toBe(mc.estimate);
        within(fast, mc, `n=${n} p=${p}`);
        if (process.env.PB_SHOW_CI) console.log(`n=${n} p=${p}: fast [${fast.low}, ${fast.high}] mc [${mc.low}, ${mc.high}]`);
      }
    }
  });

  it('ratioOfMediansCI against independent direct resampling of a and b', () => {
    const a = lognormal(600, 71, 'ra');
    const b = lognormal(450, 72, 'rb', 0.7);
    const ra = new SeededStream(4, 'direct/a');
    const rb = new SeededStream(4, 'direct/b');
    const ratios = Float64Array.from({ length: B }, () => directQuantile(a, 0.5, ra) / directQuantile(b, 0.5, rb)).sort();
    const fast = ratioOfMediansCI(a, b, { seed: 4, stream: 'cmp', resamples: B });
    expect(fast.estimate).toBe(quantileSorted(Float64Array.from(a).sort(), 0.5) / quantileSorted(Float64Array.from(b).sort(), 0.5));
    within(fast, { low: quantileSorted(ratios, 0.025), high: quantileSorted(ratios, 0.975) }, 'ratio');
  });

  it(`qpsCI above ${QPS_MONTE_CARLO_MAX_N} samples (Cornish–Fisher) against Monte Carlo: lognormal σ = 0.5 and σ = 1.2`, () => {
    for (const sigma of [0.5, 1.2]) {
      const xs = lognormal(12_000, 81, `qps:${sigma}`, sigma);
      const fast = qpsCI(xs, { seed: 6, stream: 'qps' });
      expect(fast.method).toMatch(/Cornish–Fisher/);
      const mc = bootstrapCI(xs, (r) => r.length / (r.reduce((s, v) => s + v, 0) / 1000), { seed: 6, stream: 'mc:qps', resamples: 1000 });
      within(fast, mc, `σ=${sigma}`);
    }
  });

  it(`qpsCI up to ${QPS_MONTE_CARLO_MAX_N} samples is still the Monte Carlo bootstrap`, () => {
    const xs = lognormal(500, 91, 'small');
    const mc = bootstrapCI(xs, (r) => r.length / (r.reduce((s, v) => s + v, 0) / 1000), { seed: 2, stream: 'q', resamples: 300 });
    const q = qpsCI(xs, { seed: 2, stream: 'q', resamples: 300 });
    expect(q.low).toBeCloseTo(mc.low, 9);
    expect(q.high).toBeCloseTo(mc.high, 9);
  });
});

describe('mean bootstrap moments', () => {
  it('normalQuantile inverts Φ', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 10);
  });

  it('a symmetric sample gets the normal interval x̄ ± z·√(m₂/n); a constant one collapses', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const [lo, hi] = meanBootstrapQuantiles(xs, [0.025, 0.975]) as [number, number];
    const sd = Math.sqrt(60 / 9 / 9); // m₂ = Σ(x − 5)²/9 = 60/9
    expect(lo).toBeCloseTo(5 - 1.959963984540054 * sd, 10);
    expect(hi).toBeCloseTo(5 + 1.959963984540054 * sd, 10);
    expect(meanBootstrapQuantiles([3, 3, 3], [0.025, 0.975])).toEqual([3, 3]);
  });
});

describe('speed: a 333,000-sample group (one target of a 1,000,000-sample run)', () => {
  it('p50/p95/p99 CIs, QPS CI and a ratio of medians with 1000 resamples take well under a second', () => {
    const xs = lognormal(333_000, 3, 'big').sort();
    const t0 = performance.now();
    for (const p of [0.5, 0.95, 0.99]) percentileCI(xs, p, { seed: 1, stream: `s${p}` });
    qpsCI(xs, { seed: 1, stream: 'q' });
    ratioOfMediansCI(xs, xs, { seed: 1, stream: 'r' });
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});
