import { describe, expect, it } from 'vitest';
import { compareRuns, isRegression } from '../../lib/stats/run-comparison.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { SeededStream } from '../../lib/workload/prng.js';

/** n latencies of one target × query: base × (1 ± up to 5%, uniform), seeded. */
function rows(run: string, target: string, query: string, category: string, baseMs: number, n = 60): SampleRow[] {
  const r = new SeededStream(11, `${run}:${target}:${query}`);
  return Array.from({ length: n }, (_, i) => ({
    run_id: run, target, query_id: query, category, phase: 'measure', iteration: i, start_ns: i * 1e6,
    elapsed_ns: Math.round(baseMs * (0.95 + 0.1 * r.unit()) * 1e6), row_count: 1, ok: 1, error: null,
  }));
}

describe('make compare: a category compared query by query', () => {
  // A ~1 ms and a ~10 ms query in one category; the head run makes only the fast one 20% slower.
  const base = [...rows('b', 't', 'fast', 'c', 1), ...rows('b', 't', 'slow', 'c', 10)];
  const head = [...rows('h', 't', 'fast', 'c', 1.2), ...rows('h', 't', 'slow', 'c', 10)];
  const c = compareRuns(base, head, { seed: 1, resamples: 500 });
  const cat = c.rows.find((r) => r.level === 'category')!;

  it('gives the geometric mean of the queries\' p50 ratios with its CI, and judges the slowdown on it', () => {
    expect(cat.by_query!.queries).toBe(2);
    // each query's head/base median ratio ≈ 1.2 and ≈ 1.0: geometric mean ≈ sqrt(1.2) ≈ 1.095
    expect(cat.by_query!.ratio).toBeGreaterThan(1.06);
    expect(cat.by_query!.ratio).toBeLessThan(1.13);
    expect(cat.by_query!.low).toBeGreaterThan(1);
    expect(cat.by_query!.verdict).toBe('slower');
    expect(cat.by_query!.change_pct).toBeCloseTo((cat.by_query!.ratio - 1) * 100, 12);
    expect(isRegression(cat, 5)).toBe(true);
    expect(isRegression(cat, 15)).toBe(false);
  });

  it('query rows keep the pooled rule and no per-query figures; one-query scopes get none', () => {
    const fast = c.rows.find((r) => r.level === 'query' && r.key === 'fast')!;
    expect(fast.by_query ?? null).toBeNull();
    expect(isRegression(fast, 15)).toBe(true); // +20%, Mann–Whitney p ≪ 0.05
    const one = compareRuns(rows('b', 't', 'q', 'solo', 1), rows('h', 't', 'q', 'solo', 1.3), { seed: 1, resamples: 100 });
    expect(one.rows.find((r) => r.level === 'category')!.by_query).toBeNull();
  });

  it('no change in either query: no regression at any threshold, whatever the pooled median says', () => {
    const same = compareRuns(base, [...rows('h2', 't', 'fast', 'c', 1), ...rows('h2', 't', 'slow', 'c', 10)], { seed: 1, resamples: 500 });
    const row = same.rows.find((r) => r.level === 'category')!;
    expect(row.by_query!.low).toBeLessThan(1.02);
    expect(isRegression(row, 2)).toBe(false);
  });
});
