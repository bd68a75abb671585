import { describe, expect, it } from 'vitest';
import { changesOverStretches, stretchChangesText, tenthsOfMedian, tenthsText } from '../../lib/stats/drift-context.js';
import { groupLatencies } from '../../lib/stats/latency-groups.js';
import { noiseFlags, pairedComparisonsIn } from '../../lib/stats/noise.js';
import { sampleColumnsOf } from '../../lib/store/sample-columns.js';
import type { AggregateRow } from '../../lib/store/aggregates.js';
import type { SampleRow } from '../../lib/store/samples.js';

const pct = (x: number) => `${x > 0 ? '+' : ''}${(100 * x).toFixed(0)}%`;
const agg = (target: string, key: string): AggregateRow => ({
  run_id: 'r', target, level: 'query', key, category: 'simple', count: 100, failed: 0, mean_ms: 1, p50_ms: 1, p50_low: 1, p50_high: 1,
  p95_ms: 1, p99_ms: 1, min_ms: 1, max_ms: 1, qps: 1, qps_wall: 1,
});
/** 100 iterations 1 ms apart; `ms(i)` is iteration i's latency; the queries of one iteration start within it. */
const series = (target: string, query: string, ms: (i: number) => number, offsetNs = 0): SampleRow[] =>
  Array.from({ length: 100 }, (_, i) => ({
    run_id: 'r', target, query_id: query, category: 'simple', phase: 'measure', iteration: i, start_ns: i * 1e6 + offsetNs,
    elapsed_ns: Math.round(ms(i) * 1e6), row_count: 1, ok: 1, error: null,
  }));

describe('the time course of a drift: median by tenth', () => {
  it('gives each tenth\'s median over the whole median, hand-computed', () => {
    // 20 latencies: tenth k holds [2k, 2k+2). Values 1..20 → whole median 10.5; tenth 0 = median(1,2) = 1.5.
    const xs = Float64Array.from({ length: 40 }, (_, i) => Math.floor(i / 2) + 1); // 1,1,2,2,…,20,20; tenths of 4
    const t = tenthsOfMedian(xs)!;
    // whole median: (10 + 11) / 2 = 10.5; tenth 0 = [1,1,2,2] → 1.5; tenth 9 = [19,19,20,20] → 19.5
    expect(t).toHaveLength(10);
    expect(t[0]).toBeCloseTo(1.5 / 10.5, 12);
    expect(t[4]).toBeCloseTo(9.5 / 10.5, 12);
    expect(t[9]).toBeCloseTo(19.5 / 10.5, 12);
    expect(tenthsText(xs)).toBe('by tenth of its requests, median ÷ its median: 0.14 0.33 0.52 0.71 0.90 1.10 1.29 1.48 1.67 1.86');
  });

  it('says nothing with fewer than 4 latencies a tenth', () => {
    expect(tenthsOfMedian(new Float64Array(39).fill(1))).toBeNull();
    expect(tenthsText(new Float64Array(39).fill(1))).toBe('');
    expect(tenthsOfMedian(new Float64Array(40).fill(1))).toEqual(new Array(10).fill(1));
  });

  it('shows a stretch that came back — the case measured (first quarter slow, again in the sixth tenth)', () => {
    const slow = (i: number) => i < 25 || (i >= 50 && i < 60);
    const flags = noiseFlags('r', [agg('t', 'q')], series('t', 'q', (i) => (slow(i) ? 1.15 : 1)));
    expect(flags.map((f) => f.kind)).toEqual(['drift']);
    expect(flags[0]!.detail).toContain('by tenth of its requests, median ÷ its median: 1.15 1.15 1.07 1.00 1.00 1.15 1.00 1.00 1.00 1.00');
  });
});

describe('the rest of the run over the same two stretches', () => {
  it('measures every other target × query over the flagged query\'s first and last quarter in time', () => {
    const rows = [
      ...series('a', 'q', (i) => (i < 25 ? 1.2 : 1)),
      ...series('a', 'other', (i) => (i < 25 ? 2.2 : 2), 100), // slower in the same stretch: −9%
      ...series('b', 'q', () => 3, 200), // flat
    ];
    const groups = groupLatencies(sampleColumnsOf(rows));
    const pairs = [{ target: 'a', query_id: 'q' }, { target: 'a', query_id: 'other' }, { target: 'b', query_id: 'q' }];
    // a/q's first quarter started at 0 … 24 ms, its last at 75 … 99 ms (ns).
    const c = changesOverStretches(groups, pairs, 'a', 'q', 0, 24e6, 75e6, 99e6);
    // The other requests start 100 and 200 ns later: 24 of them fall in [0, 24 ms] (the one at 24 ms + 100 ns
    // is out), 24 in [75, 99 ms] (the one at 99 ms + 100 ns is out).
    expect(c.map((x) => [x.target, x.query_id, x.n1, x.n4])).toEqual([['a', 'other', 24, 24], ['b', 'q', 24, 24]]);
    expect(c[0]!.change).toBeCloseTo(2 / 2.2 - 1, 12);
    expect(c[1]!.change).toBe(0);
    expect(stretchChangesText(c, -0.17, pct)).toBe('over the same two stretches the other 2 target × query pairs moved -9% to 0% (median -5%; 1 of 2 the same way as this one)');
    expect(stretchChangesText(c.slice(0, 1), -0.17, pct)).toBe('over the same two stretches the other 1 target × query pair moved -9% (1 of 1 the same way as this one)');
    expect(stretchChangesText([], -0.17, pct)).toBe('');
  });

  it('leaves out a pair with fewer than 8 requests in either stretch (as when the schedule is blocked)', () => {
    const rows = [...series('a', 'q', (i) => (i < 25 ? 1.2 : 1)), ...series('a', 'late', () => 1, 70e6)]; // starts at 70 ms: 0 in the first stretch
    const groups = groupLatencies(sampleColumnsOf(rows));
    expect(changesOverStretches(groups, [{ target: 'a', query_id: 'late' }], 'a', 'q', 0, 24e6, 75e6, 99e6)).toEqual([]);
  });

  it('is in the drift flag\'s detail, before the paired comparisons, which still read back', () => {
    const rows = [
      ...series('a', 'q', (i) => (i < 25 ? 1.3 : 1)),
      ...series('b', 'q', (i) => (i < 25 ? 1.3 : 1), 500),
      ...series('a', 'long', (i) => (i < 25 ? 52 : 50), 1000),
    ];
    const flags = noiseFlags('r', [agg('a', 'q'), agg('b', 'q'), agg('a', 'long')], rows);
    const aq = flags.find((f) => f.target === 'a' && f.query_id === 'q')!;
    expect(aq.kind).toBe('drift');
    expect(aq.detail).toBe('median 1.300 ms in the first quarter, 1.000 ms in the last (-23%)' +
      // Only 2 other pairs (too few to call it the whole run's), but b held: the query's on every path.
      '; every other path that ran this query moved with it (the paired comparison below held): the query\'s drift on every path, not this path\'s alone' +
      '; by tenth of its requests, median ÷ its median: 1.30 1.30 1.15 1.00 1.00 1.00 1.00 1.00 1.00 1.00' +
      // b/q moved −23% over the same stretches, a/long −4% (not a drift of its own: under 10%).
      '; over the same two stretches the other 2 target × query pairs moved -23% to -4% (median -13%; 2 of 2 the same way as this one)' +
      '; b ÷ a, paired by iteration: ×1.00 in the first quarter, ×1.00 in the last (0%): the comparison between them held');
    expect(pairedComparisonsIn(aq.detail)).toEqual([{ other: 'b', verdict: 'held' }]);
    expect(flags.filter((f) => f.query_id === 'long')).toEqual([]);
  });
});
