import { describe, expect, it } from 'vitest';
import { ratioOfMediansCI, scopeOfMediansCI } from '../../lib/stats/bootstrap.js';
import { comparisons } from '../../lib/stats/intervals.js';
import { groupLatencies } from '../../lib/stats/latency-groups.js';
import { summarizeColumns } from '../../lib/stats/summarize-columns.js';
import { sampleColumnsOf } from '../../lib/store/sample-columns.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { SeededStream } from '../../lib/workload/prng.js';

/** n latencies: base × (1 ± up to 10%, uniform), from a seeded stream. */
function around(base: number, n: number, stream: string): number[] {
  const r = new SeededStream(7, stream);
  return Array.from({ length: n }, () => base * (0.9 + 0.2 * r.unit()));
}

describe('scopeOfMediansCI: a scope of several queries compared query by query', () => {
  it('constant samples: the geometric mean of the ratios and the mean of the differences, exactly, with a zero-width CI', () => {
    // query 1: 2 ms vs 1 ms (×2), query 2: 4 ms vs 8 ms (×0.5): geometric mean 1, mean difference (1 − 4) / 2 = −1.5
    const s = scopeOfMediansCI([{ a: [2, 2, 2], b: [1, 1, 1] }, { a: [4, 4, 4, 4], b: [8, 8, 8] }], { seed: 1, stream: 'c', resamples: 200 });
    expect(s.ratio.estimate).toBeCloseTo(1, 12);
    expect([s.ratio.low, s.ratio.high].map((x) => Number(x.toFixed(12)))).toEqual([1, 1]);
    expect(s.diff.estimate).toBeCloseTo(-1.5, 12);
    expect([s.diff.low, s.diff.high].map((x) => Number(x.toFixed(12)))).toEqual([-1.5, -1.5]);
    // ×1.1 and ×1.21: geometric mean sqrt(1.1 × 1.21); differences 0.1 and 0.42 ms
    const g = scopeOfMediansCI([{ a: [1.1], b: [1] }, { a: [2.42], b: [2] }], { seed: 1, stream: 'c', resamples: 10 });
    expect(g.ratio.estimate).toBeCloseTo(Math.sqrt(1.1 * 1.21), 12);
    expect(g.diff.estimate).toBeCloseTo((0.1 + 0.42) / 2, 12);
  });

  it('one query: the same bootstrap distribution as ratioOfMediansCI (its streams renamed)', () => {
    const a = around(1.1, 301, 'a');
    const b = around(1, 301, 'b');
    const one = scopeOfMediansCI([{ a, b }], { seed: 3, stream: 's', resamples: 4000 });
    const ref = ratioOfMediansCI(a, b, { seed: 3, stream: 'r', resamples: 4000 });
    expect(one.ratio.estimate).toBeCloseTo(ref.estimate, 12);
    expect(one.ratio.low).toBeCloseTo(ref.low, 2);
    expect(one.ratio.high).toBeCloseTo(ref.high, 2);
  });

  it('the case it exists for: two queries each 10% slower, whose pooled median CI spans 1', () => {
    // ~1 ms and ~2 ms queries, each ×1.1 on path a: the pooled medians sit in the gap between them.
    const pairs = [{ a: around(1.1, 200, 'a1'), b: around(1, 200, 'b1') }, { a: around(2.2, 200, 'a2'), b: around(2, 200, 'b2') }];
    const pooled = ratioOfMediansCI([...pairs[0]!.a, ...pairs[1]!.a], [...pairs[0]!.b, ...pairs[1]!.b], { seed: 5, stream: 'p' });
    const s = scopeOfMediansCI(pairs, { seed: 5, stream: 's' });
    expect(pooled.low).toBeLessThan(1);
    expect(pooled.high).toBeGreaterThan(1.1);
    expect(s.ratio.low).toBeGreaterThan(1.05);
    expect(s.ratio.high).toBeLessThan(1.15);
    expect(s.ratio.estimate).toBeCloseTo(1.1, 1);
  });

  it('is reproducible from its seed and stream, and NaN without samples', () => {
    const pairs = [{ a: around(1.1, 50, 'x'), b: around(1, 50, 'y') }, { a: around(3, 50, 'z'), b: around(3, 50, 'w') }];
    expect(scopeOfMediansCI(pairs, { seed: 9, stream: 'k' })).toEqual(scopeOfMediansCI(pairs, { seed: 9, stream: 'k' }));
    expect(scopeOfMediansCI(pairs, { seed: 9, stream: 'k' }).ratio.low).not.toBe(scopeOfMediansCI(pairs, { seed: 9, stream: 'other' }).ratio.low);
    expect(Number.isNaN(scopeOfMediansCI([], { seed: 1, stream: 'e' }).ratio.estimate)).toBe(true);
    expect(Number.isNaN(scopeOfMediansCI([{ a: [], b: [1] }], { seed: 1, stream: 'e' }).diff.low)).toBe(true);
  });
});

describe('comparisons: the per-query columns of category and overall rows', () => {
  const rows = (target: string, query: string, category: string, base: number): SampleRow[] =>
    around(base, 40, `${target}:${query}`).map((ms, i) => ({
      run_id: 'r', target, query_id: query, category, phase: 'measure', iteration: i, start_ns: i * 1e6, elapsed_ns: Math.round(ms * 1e6), row_count: 1, ok: 1, error: null,
    }));
  const samples = [
    ...rows('a', 'q1', 'simple', 1.1), ...rows('b', 'q1', 'simple', 1),
    ...rows('a', 'q2', 'simple', 2.2), ...rows('b', 'q2', 'simple', 2),
    ...rows('a', 'j', 'join', 5.5), ...rows('b', 'j', 'join', 5),
  ];
  const opts = { runId: 'r', seed: 1, resamples: 300, targets: ['a', 'b'], pairs: [], budgetMs: 5 };

  it('fills them for a scope of two or more queries, leaves them out on query rows and one-query scopes', () => {
    const cols = sampleColumnsOf(samples);
    const groups = groupLatencies(cols);
    const { aggregates } = summarizeColumns('r', cols, groups, new Set());
    const c = comparisons(aggregates, groups, opts);
    const simple = c.find((x) => x.level === 'category' && x.key === 'simple')!;
    const all = c.find((x) => x.level === 'overall')!;
    expect(simple.scope_queries).toBe(2);
    expect(all.scope_queries).toBe(3);
    expect(simple.geomean_ratio!).toBeGreaterThan(1.05);
    expect(simple.geomean_ratio!).toBeLessThan(1.15);
    expect(simple.geomean_low!).toBeLessThan(simple.geomean_ratio!);
    expect(simple.geomean_high!).toBeGreaterThan(simple.geomean_ratio!);
    expect(simple.mean_diff_ms!).toBeGreaterThan(0.1);
    for (const x of c.filter((r) => r.level === 'query' || r.key === 'join')) expect(x.scope_queries ?? null).toBeNull();
  });

  it('leaves out the queries left out of every category figure (a path cannot run them)', () => {
    const cols = sampleColumnsOf(samples);
    const leaveOut = new Set(['q2']);
    const groups = groupLatencies(cols, leaveOut);
    const { aggregates } = summarizeColumns('r', cols, groups, leaveOut);
    const c = comparisons(aggregates, groups, { ...opts, leaveOut });
    expect(c.find((x) => x.level === 'category' && x.key === 'simple')!.scope_queries ?? null).toBeNull(); // q1 alone
    expect(c.find((x) => x.level === 'overall')!.scope_queries).toBe(2); // q1 and j
  });
});
