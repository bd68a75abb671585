import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU, twoSidedNormalP } from '../../lib/stats/mann-whitney.js';
import { SeededStream } from '../../lib/workload/prng.js';

/** |actual - expected| / |expected| below tol. */
function expectRel(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs ${expected}`).toBeLessThan(tol);
}

describe('erfc', () => {
  it('matches 17-digit reference values (mpmath, 30 digits)', () => {
    const ref: [number, number][] = [
      [0.5, 0.47950012218695346],
      [1, 0.15729920705028513],
      [1.2499999, 0.077099895395656971], // just below the series / continued-fraction switch
      [1.25, 0.07709987174354177], // just above it
      [-1, 1.8427007929497149],
      [2, 0.0046777349810472658],
      [3, 2.2090496998585441e-5],
      [5, 1.5374597944280349e-12],
      [10, 2.0884875837625448e-45],
      [26, 5.6631924088561428e-296],
    ];
    for (const [x, v] of ref) expectRel(erfc(x), v, 1e-14);
  });

  it('edge values', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(40)).toBe(0);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('two-sided normal p-values', () => {
    // z = 1.959963984540054 is the 97.5 % point of N(0,1): two-sided p = 0.05
    expectRel(twoSidedNormalP(1.959963984540054), 0.05, 1e-14);
    expectRel(twoSidedNormalP(-1.959963984540054), 0.05, 1e-14);
    expect(twoSidedNormalP(0)).toBe(1);
    // 2·(1 - Φ(1)) = erfc(1/√2) = 0.31731050786291410 (the "68 %" rule)
    expectRel(twoSidedNormalP(1), 0.3173105078629141, 1e-14);
  });
});

describe('mannWhitneyU: hand-computable examples', () => {
  it('complete separation: x = 1..5, y = 6..10', () => {
    // No x exceeds any y → U1 = 0 (ranks of x: 1..5, R1 = 15, U1 = 15 - 5·6/2 = 0).
    // μ = 25/2 = 12.5, no ties: σ = sqrt(25·11/12) = 4.7871355387816905
    // z = (0 - 12.5 + 0.5)/σ = -12/σ = -2.5067182457620489
    // p = 2·Φ(-2.50672) = erfc(2.50672/√2) = 0.012185780355344808 (mpmath);
    // scipy.stats.mannwhitneyu(x, y, method='asymptotic') → pvalue 0.012185780355344813.
    // (A value of ≈ 0.01193 sometimes quoted for this example does not follow from this formula.)
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    expect(r.n1).toBe(5);
    expect(r.n2).toBe(5);
    expectRel(r.z, -2.5067182457620489, 1e-14);
    expectRel(r.p, 0.012185780355344813, 1e-13);
    expect(r.verdict).toBe('a faster'); // p ≤ 0.05 and x has the lower median
  });

  it('swapping the samples mirrors U and z, keeps p, flips the verdict', () => {
    const r = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
    expect(r.u).toBe(25); // every one of the 5·5 pairs has x > y
    expectRel(r.z, 2.5067182457620489, 1e-14);
    expectRel(r.p, 0.012185780355344813, 1e-13);
    expect(r.verdict).toBe('b faster');
  });

  it('ties: a = [1, 2, 2], b = [2, 3]', () => {
    // Pairs (a_i, b_j): (1,2) 0, (1,3) 0, (2,2) ½, (2,3) 0, (2,2) ½, (2,3) 0 → U1 = 1.
    // Ranks of pooled 1,2,2,2,3: 1, 3,3,3, 5 → R1 = 1+3+3 = 7, U1 = 7 - 3·4/2 = 1. ✓
    // μ = 3; one tie group t = 3: Σ(t³-t) = 24, N = 5: σ² = 6/12·(6 - 24/20) = 0.5·4.8 = 2.4
    // z = -(|1-3| - ½)/√2.4 = -1.5/1.5491933 = -0.9682458365518543
    // p = erfc(0.96825/√2) → scipy asymptotic: 0.3329216080655659
    const r = mannWhitneyU([1, 2, 2], [2, 3]);
    expect(r.u).toBe(1);
    expectRel(r.z, -0.9682458365518543, 1e-14);
    expectRel(r.p, 0.3329216080655659, 1e-13);
    expect(r.verdict).toBe('no significant difference');
  });

  it('no difference by U: a = [1, 3, 5], b = [2, 4]', () => {
    // Pairs with a > b: 3>2, 5>2, 5>4 → U1 = 3 = μ = 3·2/2 → |U1-μ| - ½ < 0 → z = 0, p = 1.
    const r = mannWhitneyU([1, 3, 5], [2, 4]);
    expect(r.u).toBe(3);
    expect(r.z).toBe(0);
    expect(r.p).toBe(1);
    expect(r.verdict).toBe('no significant difference');
  });

  it('identical samples → U = n1·n2/2, p = 1', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const r = mannWhitneyU(x, Float64Array.from(x));
    expect(r.u).toBe((x.length * x.length) / 2);
    expect(r.z).toBe(0);
    expect(r.p).toBe(1);
    expect(r.verdict).toBe('no significant difference');
  });

  it('all values equal (σ = 0) → p = 1, not NaN', () => {
    // Every pair is a tie: U1 = ½·3·2 = 3 = μ. One tie group of t = N = 5:
    // (N+1) - (125-5)/(5·4) = 6 - 6 = 0 → σ = 0.
    const r = mannWhitneyU([5, 5, 5], [5, 5]);
    expect(r.u).toBe(3);
    expect(r.z).toBe(0);
    expect(r.p).toBe(1);
    expect(r.verdict).toBe('no significant difference');
  });

  it('an empty sample → NaN statistics, no significant difference', () => {
    for (const r of [mannWhitneyU([], [1, 2, 3]), mannWhitneyU([1, 2], []), mannWhitneyU([], [])]) {
      expect(r.u).toBeNaN();
      expect(r.z).toBeNaN();
      expect(r.p).toBeNaN();
      expect(r.verdict).toBe('no significant difference');
    }
    const r = mannWhitneyU([], [1, 2, 3]);
    expect([r.n1, r.n2]).toEqual([0, 3]);
  });

  it('a NaN in a sample → NaN statistics (like scipy nan_policy="propagate")', () => {
    const r = mannWhitneyU([1, Number.NaN, 3], [4, 5]);
    expect(r.p).toBeNaN();
    expect(r.verdict).toBe('no significant difference');
  });

  it('does not modify its inputs', () => {
    const a = [3, 1, 2];
    const b = new Float64Array([9, 7, 8]);
    mannWhitneyU(a, b);
    expect(a).toEqual([3, 1, 2]);
    expect(Array.from(b)).toEqual([9, 7, 8]);
  });
});

describe('mannWhitneyU: published / scipy values', () => {
  it('scipy documentation example (males vs females), asymptotic', () => {
    // Data of the scipy.stats.mannwhitneyu documentation example: males = [19, 22, 16, 29, 24],
    // females = [20, 11, 17, 12]; scipy 1.17.1 method="asymptotic" → statistic 17.0,
    // pvalue 0.11134688653314041 (the value printed in the docs).
    // By hand: pairs with male > female: 19>{11,17,12}=3, 22>all=4, 16>{11,12}=2, 29=4, 24=4 → 17.
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(17);
    expectRel(r.p, 0.11134688653314041, 1e-13);
    expect(r.verdict).toBe('no significant difference');
  });

  it('larger samples with many ties (scipy 1.17.1, asymptotic, continuity)', () => {
    // a_i = (i mod 7) + 1 for i < 40; b_i = (i mod 5) + 3 for i < 35
    const a = Array.from({ length: 40 }, (_, i) => (i % 7) + 1);
    const b = Array.from({ length: 35 }, (_, i) => (i % 5) + 3);
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(469);
    expectRel(r.p, 0.013188320301965916, 1e-12);
    expect(r.verdict).toBe('a faster'); // median a = 4 < median b = 5
    const s = mannWhitneyU(b, a);
    expect(s.u).toBe(931); // 40·35 - 469
    expectRel(s.p, 0.013188320301965916, 1e-12);
    expect(s.verdict).toBe('b faster');
  });

  it('non-significant larger samples with half-integer values (scipy 1.17.1)', () => {
    // a_i = (37·i mod 101) + ½·(i mod 3) for i < 60; b_i = (53·i mod 97) + 3 for i < 45
    const a = Array.from({ length: 60 }, (_, i) => ((i * 37) % 101) + 0.5 * (i % 3));
    const b = Array.from({ length: 45 }, (_, i) => ((i * 53) % 97) + 3);
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(1406.5);
    expectRel(r.p, 0.7168803657863684, 1e-12);
    expect(r.verdict).toBe('no significant difference');
  });

  it('equal medians but a significant shift: the direction of U decides', () => {
    // a = 20×0, 21×5, 20×6; b = 20×4, 21×5, 20×10: both medians are 5.
    // scipy 1.17.1 asymptotic: statistic 1460.5 (< μ = 61·61/2 = 1860.5), pvalue 0.0350259559034546
    const a = [...Array<number>(20).fill(0), ...Array<number>(21).fill(5), ...Array<number>(20).fill(6)];
    const b = [...Array<number>(20).fill(4), ...Array<number>(21).fill(5), ...Array<number>(20).fill(10)];
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(1460.5);
    expectRel(r.p, 0.0350259559034546, 1e-12);
    expect(r.z).toBeLessThan(0);
    expect(r.verdict).toBe('a faster');
    expect(mannWhitneyU(b, a).verdict).toBe('b faster');
  });

  it('the verdict threshold is α = 0.05 (p > 0.05 → no significant difference)', () => {
    // x = 1..5 vs y = 6..10 has p ≈ 0.0122; x = 1..4 vs y = 5..8: U1 = 0, μ = 8,
    // σ = sqrt(16·9/12) = √12, z = -7.5/√12 = -2.1651, p = 0.030383 → still significant;
    // x = 1..3 vs y = 4..6: U1 = 0, μ = 4.5, σ = sqrt(9·7/12) = 2.2913, z = -4/2.2913 = -1.7457,
    // p = 0.080856 → not significant although the samples are completely separated (n too small).
    const four = mannWhitneyU([1, 2, 3, 4], [5, 6, 7, 8]);
    expectRel(four.z, -7.5 / Math.sqrt(12), 1e-14);
    expectRel(four.p, 0.03038282197657749, 1e-12); // scipy 1.17.1
    expect(four.verdict).toBe('a faster');
    const three = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expectRel(three.z, -4 / Math.sqrt(63 / 12), 1e-14);
    expectRel(three.p, 0.08085559837005224, 1e-12); // scipy 1.17.1
    expect(three.verdict).toBe('no significant difference');
  });
});

describe('mannWhitneyU: properties on seeded random data', () => {
  it('U1 equals the pair count #(a > b) + ½·#(a = b), and U1 + U2 = n1·n2', () => {
    const rng = new SeededStream(7, 'test:mann-whitney');
    for (let trial = 0; trial < 20; trial++) {
      const n1 = rng.int(1, 40);
      const n2 = rng.int(1, 40);
      const a = Array.from({ length: n1 }, () => rng.int(0, 15)); // small range: many ties
      const b = Array.from({ length: n2 }, () => rng.int(2, 17));
      let pairs = 0;
      for (const x of a) for (const y of b) pairs += x > y ? 1 : x === y ? 0.5 : 0;
      const r = mannWhitneyU(a, b);
      expect(r.u).toBe(pairs);
      expect(r.u + mannWhitneyU(b, a).u).toBe(n1 * n2);
      expect(mannWhitneyU(b, a).p).toBe(r.p);
      expect(r.p).toBeGreaterThanOrEqual(0);
      expect(r.p).toBeLessThanOrEqual(1);
    }
  });
});
