import { describe, expect, it } from 'vitest';
import { compile, type TopLevelSpec } from 'vega-lite';
import { timeSeriesChart } from '../../lib/render/charts/time-series.js';
import { CHART_MAX_BUCKETS, chartWidthS, timeSeries } from '../../lib/stats/time-series.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import { sampleColumnsOf } from '../../lib/store/sample-columns.js';
import type { SampleRow } from '../../lib/store/samples.js';

const S = 1e9;
const ms = 1e6;
/** start and elapsed in ns; simple_count is category 'simple', vector_l2 'vector_similarity'. */
const row = (target: string, query: 'simple_count' | 'vector_l2', start: number, elapsed: number, ok: 0 | 1 = 1): SampleRow => ({
  run_id: 'r', target, query_id: query, category: query === 'simple_count' ? 'simple' : 'vector_similarity', phase: 'measure',
  iteration: 0, start_ns: start, elapsed_ns: elapsed, row_count: 1, ok, error: ok ? null : 'x',
});

describe('timeSeries: bucketing by completion time, hand-computed', () => {
  // Target a: completions at 0.2 s, 0.7 s (simple), 0.95 s (vector), 1.5 s (failed), 3.25 s (last).
  // Target b: one completion at 0.5 s. Phase ends at the last completion, 3.25 s.
  const samples = [
    row('a', 'simple_count', 0.1 * S, 100 * ms),
    row('a', 'simple_count', 0.3 * S, 400 * ms),
    row('a', 'vector_l2', 0.75 * S, 200 * ms),
    row('a', 'simple_count', 1.4 * S, 100 * ms, 0),
    row('a', 'simple_count', 2.95 * S, 300 * ms),
    row('b', 'vector_l2', 0.2 * S, 300 * ms),
  ];
  const rows = timeSeries('r', sampleColumnsOf(samples), 1);
  const get = (target: string, scope: string, bucket: number) => rows.find((r) => r.target === target && r.scope === scope && r.bucket === bucket)!;

  it('second 0 of a: 3 completions → 3 QPS; p50/p99 of 100, 400, 200 ms', () => {
    const r = get('a', 'all', 0);
    expect([r.count, r.failed, r.qps, r.covered_s]).toEqual([3, 0, 3, 1]);
    expect(r.p50_ms).toBe(200);
    expect(r.p99_ms).toBeCloseTo(200 + (400 - 200) * 0.98, 10); // h = 2·0.99 = 1.98
  });

  it('per category: simple has 2 in second 0, vector_similarity 1', () => {
    expect([get('a', 'simple', 0).count, get('a', 'simple', 0).p50_ms]).toEqual([2, 250]);
    expect([get('a', 'vector_similarity', 0).count, get('a', 'vector_similarity', 0).p99_ms]).toEqual([1, 200]);
  });

  it('a bucket with only a failure: count 1, failed 1, QPS 0, no percentiles', () => {
    expect(get('a', 'all', 1)).toMatchObject({ count: 1, failed: 1, qps: 0, p50_ms: null, p99_ms: null });
  });

  it('dense: an empty second is a row with QPS 0, for every target and scope it ran', () => {
    expect(get('a', 'all', 2)).toMatchObject({ count: 0, qps: 0, p99_ms: null });
    expect(get('b', 'all', 3)).toMatchObject({ count: 0, qps: 0 });
    expect(rows.filter((r) => r.target === 'b' && r.scope === 'simple')).toEqual([]); // b never ran a simple query
    expect(rows.filter((r) => r.target === 'a' && r.scope === 'all').map((r) => r.bucket)).toEqual([0, 1, 2, 3]);
  });

  it('the last bucket covers only up to the last completion: 1 request in 0.25 s → 4 QPS', () => {
    const r = get('a', 'all', 3);
    expect(r.covered_s).toBeCloseTo(0.25, 12);
    expect(r.qps).toBeCloseTo(4, 9);
    expect(r.p50_ms).toBe(300);
  });

  it('wider buckets are computed from the samples, not from the 1 s buckets', () => {
    const two = timeSeries('r', sampleColumnsOf(samples), 2);
    const a0 = two.find((r) => r.target === 'a' && r.scope === 'all' && r.bucket === 0)!;
    expect([a0.count, a0.failed, a0.qps, a0.start_s, a0.width_s]).toEqual([4, 1, 1.5, 0, 2]);
    expect(a0.p50_ms).toBe(200);
    const a1 = two.find((r) => r.target === 'a' && r.scope === 'all' && r.bucket === 1)!;
    expect(a1.covered_s).toBeCloseTo(1.25, 12);
  });

  it('chart width: 1 s up to CHART_MAX_BUCKETS seconds, then a nice wider width', () => {
    expect(chartWidthS(sampleColumnsOf(samples))).toBe(1);
    const long = sampleColumnsOf([row('a', 'simple_count', 0, 1 * ms), row('a', 'simple_count', 3 * 3600 * S, 1 * ms)]);
    const w = chartWidthS(long);
    expect(w).toBe(30); // 10,800 s: 27 buckets of 400 s … the smallest nice width with ≤ 400 buckets
    expect(Math.ceil(10_800 / w)).toBeLessThanOrEqual(CHART_MAX_BUCKETS);
  });

  it('the chart spec compiles and carries one point per target and bucket, less a final sliver', () => {
    const spec = timeSeriesChart(rows, { title: 't', subtitle: ['run r'] });
    expect(() => compile(spec as TopLevelSpec)).not.toThrow();
    // a and b: buckets 0, 1, 2 each; bucket 3 covers only 0.25 s (the phase ends at 3.25 s), so it
    // is stored but not drawn — its "QPS" would be 1 / 0.25 = 4, a spike made of one request.
    const values = (spec as { data: { values: { target: string; t_s: number }[] } }).data.values;
    expect(values.map((v) => `${v.target}@${v.t_s}`)).toEqual(['a@0', 'a@1', 'a@2', 'b@0', 'b@1', 'b@2']);
  });
});

describe('timeSeries: per-bucket sort and percentiles equal quantileSorted on each bucket', () => {
  it('random buckets of 1 to 200 values (both the short insertion sort and the long sort path)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples: SampleRow[] = [];
    for (let sec = 0; sec < 40; sec++) {
      const k = 1 + Math.floor(rnd() * (sec % 2 ? 200 : 30));
      for (let j = 0; j < k; j++) {
        const elapsed = Math.round(rnd() * 50 * ms);
        samples.push(row(rnd() < 0.5 ? 'a' : 'b', rnd() < 0.5 ? 'simple_count' : 'vector_l2', sec * S + rnd() * (S - elapsed - 1), elapsed));
      }
    }
    samples.sort((x, y) => x.start_ns - y.start_ns);
    const rows = timeSeries('r', sampleColumnsOf(samples), 1);
    let checked = 0;
    for (const r of rows) {
      const inBucket = samples
        .filter((x) => x.target === r.target && (r.scope === 'all' || x.category === r.scope) && Math.floor((x.start_ns + x.elapsed_ns) / S) === r.bucket)
        .map((x) => x.elapsed_ns / 1e6)
        .sort((x, y) => x - y);
      expect(r.count).toBe(inBucket.length);
      expect(r.p50_ms).toBe(inBucket.length ? quantileSorted(inBucket, 0.5) : null);
      expect(r.p99_ms).toBe(inBucket.length ? quantileSorted(inBucket, 0.99) : null);
      if (inBucket.length > 32) checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});
