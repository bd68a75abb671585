import { describe, expect, it } from 'vitest';
import { orderEffectCI, pairedScopeCI, percentileCI, ratioOfMediansCI } from '../../lib/stats/bootstrap.js';
import { comparisons, gatewayOverhead } from '../../lib/stats/intervals.js';
import { groupLatencies } from '../../lib/stats/latency-groups.js';
import { byOrder, pairedByIteration } from '../../lib/stats/paired-by-iteration.js';
import { signTest } from '../../lib/stats/sign-test.js';
import { summarizeColumns } from '../../lib/stats/summarize-columns.js';
import { sampleColumnsOf } from '../../lib/store/sample-columns.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { SeededStream } from '../../lib/workload/prng.js';

describe('signTest: exact two-sided sign test of the paired ratios against 1', () => {
  it('matches the binomial tail computed by hand', () => {
    // 3 above, 1 below: P(X ≤ 1) = (1 + 4) / 16, two-sided 10/16
    expect(signTest([2, 2, 2, 0.5]).p).toBeCloseTo(0.625, 12);
    // all 10 above: 2 · 2^-10
    expect(signTest(Array(10).fill(1.5)).p).toBeCloseTo(2 / 1024, 12);
    // 20 above, 10 below: 2 · Σ_{i≤10} C(30, i) / 2^30 = 0.0987371467… (Python's math.comb)
    expect(signTest([...Array(20).fill(1.2), ...Array(10).fill(0.8)]).p).toBeCloseTo(0.09873714670538902, 12);
    // a balanced sample: capped at 1
    expect(signTest([...Array(1000).fill(1.2), ...Array(1000).fill(0.8)]).p).toBe(1);
  });

  it('leaves ties out, never underflows to NaN, and is NaN without untied pairs', () => {
    expect(signTest([1, 1, 2])).toEqual({ above: 1, below: 0, p: 1 });
    const huge = signTest(Array(5000).fill(1.01));
    expect(huge.p).toBeGreaterThanOrEqual(0);
    expect(huge.p).toBeLessThan(1e-300);
    expect(Number.isNaN(signTest([1, 1]).p)).toBe(true);
    expect(Number.isNaN(signTest([]).p)).toBe(true);
  });
});

/** One sample row of the measured phase; `second`: it started after the other path's request of its iteration. */
const row = (target: string, query: string, category: string, iteration: number, ms: number, ok: 0 | 1 = 1, second = target === 'b'): SampleRow => ({
  run_id: 'r', target, query_id: query, category, phase: 'measure', iteration, start_ns: iteration * 1e8 + (second ? 5e7 : 0), elapsed_ns: Math.round(ms * 1e6), row_count: 1, ok, error: ok ? null : 'boom',
});

/**
 * A machine that runs at full speed, then at half speed, then at full speed again (the speed a
 * query sees at iteration i), and two paths whose requests of an iteration see the same speed: b
 * takes base × jitter, a takes `factor` × that — the path difference is exactly `factor` in every
 * pair, while each path's own latencies are bimodal. The order alternates (a first in even
 * iterations, as the interleaved schedule rotates it), and the request that runs first takes
 * `firstCost` times as long as it would second.
 */
function drifting(query: string, category: string, base: number, factor: number, firstCost = 1, n = 200): SampleRow[] {
  const r = new SeededStream(11, query);
  const out: SampleRow[] = [];
  for (let i = 0; i < n; i++) {
    const slow = i >= n / 4 && i < (3 * n) / 4 ? 2 : 1;
    const b = base * slow * (0.95 + 0.1 * r.unit());
    const aFirst = i % 2 === 0;
    out.push(row('a', query, category, i, b * factor * (aFirst ? firstCost : 1), 1, !aFirst), row('b', query, category, i, b * (aFirst ? 1 : firstCost), 1, aFirst));
  }
  return out;
}

describe('pairedByIteration: the pairs two paths ran with the same parameters', () => {
  it('pairs by iteration, leaves out an iteration either side failed, and gives a/b and a − b', () => {
    const samples = [
      row('a', 'q', 'simple', 0, 2), row('b', 'q', 'simple', 0, 1),
      row('a', 'q', 'simple', 1, 3), row('b', 'q', 'simple', 1, 4, 0), // b failed: unpaired
      row('a', 'q', 'simple', 2, 6), row('b', 'q', 'simple', 2, 3),
      row('b', 'q', 'simple', 3, 5), // a never ran iteration 3
    ];
    const p = pairedByIteration(groupLatencies(sampleColumnsOf(samples)), 'a', 'b', 'q');
    expect([...p.ratios]).toEqual([2, 2]);
    expect([...p.diffs]).toEqual([1, 3]);
    expect([...p.iterations]).toEqual([0, 2]);
    expect([...p.aFirst]).toEqual([1, 1]);
    const swapped = pairedByIteration(groupLatencies(sampleColumnsOf([row('a', 'q', 'simple', 0, 2, 1, true), row('b', 'q', 'simple', 0, 1, 1, false)])), 'a', 'b', 'q');
    expect([...swapped.aFirst]).toEqual([0]);
    expect(byOrder(p).map((o) => [...o.ratios])).toEqual([[2, 2]]);
  });
});

describe('pairedScopeCI: comparisons from per-iteration pairs', () => {
  it('constant pairs: exact medians, geometric mean and mean difference, zero-width CIs', () => {
    const s = pairedScopeCI([{ strata: [{ ratios: [2, 2, 2], diffs: [1, 1, 1] }] }, { strata: [{ ratios: [0.5, 0.5], diffs: [-4, -4] }] }], { seed: 1, stream: 'c', resamples: 200 });
    expect(s.ratio.estimate).toBeCloseTo(1, 12);
    expect([s.ratio.low, s.ratio.high].map((x) => Number(x.toFixed(12)))).toEqual([1, 1]);
    expect(s.diff.estimate).toBeCloseTo(-1.5, 12);
    expect([s.diff.low, s.diff.high].map((x) => Number(x.toFixed(12)))).toEqual([-1.5, -1.5]);
  });

  it('within a query, the geometric mean of its two orders\' median ratios and the mean of their median differences', () => {
    // a first: ×2 (diff 2 ms), b first: ×0.5 (diff −1 ms): geometric mean 1, mean difference 0.5
    const s = pairedScopeCI([{ strata: [{ ratios: [2, 2], diffs: [2, 2] }, { ratios: [0.5, 0.5, 0.5], diffs: [-1, -1, -1] }] }], { seed: 1, stream: 'c', resamples: 100 });
    expect(s.ratio.estimate).toBeCloseTo(1, 12);
    expect(s.diff.estimate).toBeCloseTo(0.5, 12);
    expect(orderEffectCI([2, 2], [0.5, 0.5, 0.5], { seed: 1, stream: 'o' }).estimate).toBeCloseTo(2, 12);
  });

  it('one query in one order: exactly percentileCI of the median of its ratios (same streams)', () => {
    const r = new SeededStream(3, 'x');
    const ratios = Array.from({ length: 301 }, () => 1 + 0.2 * r.unit());
    const diffs = ratios.map((x) => x - 1);
    const one = pairedScopeCI([{ strata: [{ ratios, diffs }] }], { seed: 3, stream: 's', resamples: 500 });
    const ref = percentileCI(ratios, 0.5, { seed: 3, stream: 's/0/0/ratio', resamples: 500 });
    expect(one.ratio.estimate).toBe(ref.estimate);
    expect(one.ratio.low).toBe(ref.low);
    expect(one.ratio.high).toBe(ref.high);
    expect(one.ratio.method).toContain('pairs resampled');
  });

  it('the case it exists for: a machine at half speed through half the run cancels in the pairs, not in the medians taken apart', () => {
    const groups = groupLatencies(sampleColumnsOf(drifting('q', 'simple', 1, 1.1)));
    const apart = ratioOfMediansCI(groups.sorted('a', 'query', 'q'), groups.sorted('b', 'query', 'q'), { seed: 5, stream: 'i' });
    const p = pairedByIteration(groups, 'a', 'b', 'q');
    const s = pairedScopeCI([{ strata: byOrder(p) }], { seed: 5, stream: 'p' });
    // Apart: each path's median sits between the two machine speeds; the CI is wide.
    expect(apart.high - apart.low).toBeGreaterThan(0.3);
    // Paired: ×1.1 in every pair, up to the rounding of the stored nanoseconds.
    expect(s.ratio.estimate).toBeCloseTo(1.1, 6);
    expect(s.ratio.high - s.ratio.low).toBeLessThan(1e-6);
  });

  it('the order effect: the second request of an iteration 1.5× faster cancels between the two orders, and is measured', () => {
    // Measured on config/embedded.yaml: join ran ~1.5× faster right after the other path had run it.
    const groups = groupLatencies(sampleColumnsOf(drifting('q', 'join', 1, 1.1, 1.5)));
    const p = pairedByIteration(groups, 'a', 'b', 'q');
    // Pooled over both orders, the ratios sit at 1.1 × 1.5 and 1.1 ÷ 1.5: their median falls between.
    const pooled = pairedScopeCI([{ strata: [{ ratios: p.ratios, diffs: p.diffs }] }], { seed: 5, stream: 'x' });
    expect(pooled.ratio.high - pooled.ratio.low).toBeGreaterThan(0.5);
    const s = pairedScopeCI([{ strata: byOrder(p) }], { seed: 5, stream: 'p' });
    expect(s.ratio.estimate).toBeCloseTo(1.1, 6);
    expect(s.ratio.high - s.ratio.low).toBeLessThan(1e-6);
    const [aFirst, bFirst] = byOrder(p);
    const order = orderEffectCI(aFirst!.ratios, bFirst!.ratios, { seed: 5, stream: 'o' });
    expect(order.estimate).toBeCloseTo(1.5, 6);
  });

  it('is reproducible from its seed and stream, and NaN without pairs', () => {
    const q = { strata: [{ ratios: [1.1, 1.2, 0.9, 1.05], diffs: [0.1, 0.2, -0.1, 0.05] }] };
    expect(pairedScopeCI([q], { seed: 9, stream: 'k' })).toEqual(pairedScopeCI([q], { seed: 9, stream: 'k' }));
    expect(Number.isNaN(pairedScopeCI([], { seed: 1, stream: 'e' }).ratio.estimate)).toBe(true);
    expect(Number.isNaN(pairedScopeCI([q, { strata: [] }], { seed: 1, stream: 'e' }).diff.low)).toBe(true);
    expect(Number.isNaN(pairedScopeCI([q, { strata: [{ ratios: [], diffs: [] }] }], { seed: 1, stream: 'e' }).diff.low)).toBe(true);
  });
});

describe('comparisons and gateway overhead: the paired columns', () => {
  const samples = [
    ...drifting('q1', 'simple', 1, 1.1), ...drifting('q2', 'simple', 2, 1.1), ...drifting('j', 'join', 5, 1.2),
  ];
  const opts = { runId: 'r', seed: 1, resamples: 300, targets: ['a', 'b'], pairs: [{ gateway: 'a', native: 'b' }], budgetMs: 5 };

  it('fills them on every level: pairs, the median ratio and difference (a scope: geometric mean and mean over its queries), the sign test on query rows', () => {
    const cols = sampleColumnsOf(samples);
    const groups = groupLatencies(cols);
    const { aggregates } = summarizeColumns('r', cols, groups, new Set());
    const c = comparisons(aggregates, groups, opts);
    const q1 = c.find((x) => x.level === 'query' && x.key === 'q1')!;
    expect(q1.pairs).toBe(200);
    expect(q1.paired_ratio!).toBeCloseTo(1.1, 5);
    // within the larger order (100 pairs, all above 1): 2 · 2^-100
    expect(q1.sign_p! / 2 ** -99).toBeCloseTo(1, 9);
    expect(q1.order_effect!).toBeCloseTo(1, 6); // no order effect in these data
    const simple = c.find((x) => x.level === 'category' && x.key === 'simple')!;
    expect(simple.pairs).toBe(400);
    expect(simple.paired_ratio!).toBeCloseTo(1.1, 5);
    expect(simple.sign_p ?? null).toBeNull();
    const all = c.find((x) => x.level === 'overall')!;
    expect(all.pairs).toBe(600);
    expect(all.paired_ratio!).toBeCloseTo(Math.cbrt(1.1 * 1.1 * 1.2), 5);
    const join = c.find((x) => x.level === 'category' && x.key === 'join')!;
    expect(join.paired_ratio!).toBeCloseTo(1.2, 5);
    // The join's median difference: 0.2 × its b latency in the pair at the median of the differences.
    expect(join.paired_diff_ms!).toBeGreaterThan(0.2 * 5 * 0.95);
    expect(join.paired_diff_ms!).toBeLessThan(0.2 * 10 * 1.05);
  });

  it('stores the order effect on query rows, and compares within each order', () => {
    const cols = sampleColumnsOf(drifting('q', 'join', 1, 1.1, 1.5));
    const groups = groupLatencies(cols);
    const c = comparisons(summarizeColumns('r', cols, groups, new Set()).aggregates, groups, opts);
    const q = c.find((x) => x.level === 'query')!;
    expect(q.paired_ratio!).toBeCloseTo(1.1, 6);
    expect(q.order_effect!).toBeCloseTo(1.5, 6);
    expect(q.order_low!).toBeLessThanOrEqual(q.order_effect!);
    expect(q.order_high!).toBeGreaterThanOrEqual(q.order_effect!);
    expect(c.find((x) => x.level === 'category')!.order_effect ?? null).toBeNull();
  });

  it('with three targets, compares within each order of the whole iteration, and gives no order effect', () => {
    // Rotations [a b c], [b c a], [c a b]: a runs fast (×1/1.5) right after c (a shared engine), so in
    // two of the three orders. b ÷ … a = 1.1 × b otherwise. Each order weighs the same:
    // 1.1 × 1.5^(−2/3). Split by who of a and b ran first instead, "a first" would hold one fast
    // order and one slow one, and its median would fall between them.
    const names = ['a', 'b', 'c'];
    const rows: SampleRow[] = [];
    const r = new SeededStream(3, 'three');
    for (let i = 0; i < 300; i++) {
      const order = [0, 1, 2].map((k) => names[(i + k) % 3]!);
      const b = 1 + 0.05 * r.unit();
      const afterC = order.indexOf('a') === order.indexOf('c') + 1;
      const ms: Record<string, number> = { a: b * 1.1 * (afterC ? 1 / 1.5 : 1), b, c: 2 };
      order.forEach((t, k) => rows.push({ ...row(t, 'q', 'simple', i, ms[t]!), start_ns: i * 1e8 + k * 1e7 }));
    }
    const cols = sampleColumnsOf(rows);
    const groups = groupLatencies(cols);
    const c = comparisons(summarizeColumns('r', cols, groups, new Set()).aggregates, groups, { ...opts, targets: names, pairs: [] });
    const ab = c.find((x) => x.level === 'query' && x.target_a === 'a' && x.target_b === 'b')!;
    expect(ab.paired_ratio!).toBeCloseTo(1.1 * 1.5 ** (-2 / 3), 6);
    expect(ab.order_effect ?? null).toBeNull();
  });

  it('leaves a scope without paired figures when one of its queries has no pair, and leaves out queries left out of the category figures', () => {
    // q2 on b ran other iterations than on a: no pair.
    const shifted = samples.map((s) => (s.query_id === 'q2' && s.target === 'b' ? { ...s, iteration: s.iteration + 1000 } : s));
    const cols = sampleColumnsOf(shifted);
    const groups = groupLatencies(cols);
    const { aggregates } = summarizeColumns('r', cols, groups, new Set());
    const c = comparisons(aggregates, groups, opts);
    expect(c.find((x) => x.level === 'category' && x.key === 'simple')!.paired_ratio ?? null).toBeNull();
    expect(c.find((x) => x.level === 'query' && x.key === 'q1')!.paired_ratio!).toBeCloseTo(1.1, 5);
    // Left out of the category figures: the scope is q1 alone, and paired.
    const leaveOut = new Set(['q2']);
    const g2 = groupLatencies(cols, leaveOut);
    const c2 = comparisons(summarizeColumns('r', cols, g2, leaveOut).aggregates, g2, { ...opts, leaveOut });
    const simple = c2.find((x) => x.level === 'category' && x.key === 'simple')!;
    expect(simple.pairs).toBe(200);
    expect(simple.paired_ratio!).toBeCloseTo(1.1, 5);
  });

  it('judges the overhead budget on the paired difference when there is one', () => {
    const cols = sampleColumnsOf(samples);
    const groups = groupLatencies(cols);
    const { aggregates } = summarizeColumns('r', cols, groups, new Set());
    // join: a = 1.2 × b in every pair (b 4.75–10.5 ms): the paired difference is 0.95–2.1 ms, over a
    // 0.5 ms budget; the medians taken apart each sit between the machine's two speeds, and their
    // difference's CI spans the budget.
    const o = gatewayOverhead(aggregates, groups, { ...opts, budgetMs: 0.5 });
    const join = o.find((x) => x.key === 'join')!;
    expect(join.paired_low_ms!).toBeGreaterThan(0.9);
    expect(join.paired_high_ms!).toBeLessThan(2.2);
    expect(join.low_ms!).toBeLessThan(0.5);
    expect(join.high_ms!).toBeGreaterThan(0.5);
    expect(join.verdict).toBe('over budget');
    // Without pairs (the join's iterations shifted on b), the verdict falls back to the medians taken apart.
    const shifted = samples.map((s) => (s.query_id === 'j' && s.target === 'b' ? { ...s, iteration: s.iteration + 1000 } : s));
    const c2 = sampleColumnsOf(shifted);
    const g2 = groupLatencies(c2);
    const j2 = gatewayOverhead(summarizeColumns('r', c2, g2, new Set()).aggregates, g2, { ...opts, budgetMs: 0.5 }).find((x) => x.key === 'join')!;
    expect(j2.paired_ms ?? null).toBeNull();
    expect(j2.verdict).toBe('inconclusive');
  });
});
