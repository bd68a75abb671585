import { describe, expect, it } from 'vitest';
import { SPECTRUM_QUANTILES, summarize } from '../../lib/stats/latency-summary.js';
import type { AggregateLevel, AggregateRow } from '../../lib/store/aggregates.js';
import type { SampleRow } from '../../lib/store/samples.js';

const MS = 1_000_000; // ns per ms

let iter = 0;
/** One measured request; times in milliseconds for readability. */
function s(target: string, query: string, category: string, startMs: number, elapsedMs: number, ok: 0 | 1 = 1): SampleRow {
  return {
    run_id: 'run-1',
    target,
    query_id: query,
    category,
    phase: 'measure',
    iteration: iter++,
    start_ns: Math.round(startMs * MS),
    elapsed_ns: Math.round(elapsedMs * MS),
    row_count: ok ? 1 : null,
    ok,
    error: ok ? null : 'boom',
  };
}

function row(rows: AggregateRow[], target: string, level: AggregateLevel, key: string): AggregateRow {
  const found = rows.filter((r) => r.target === target && r.level === level && r.key === key);
  expect(found, `${target}/${level}/${key}`).toHaveLength(1);
  return found[0]!;
}

describe('summarize: one target, one query', () => {
  // latencies 1, 2, 3, 4, 10 ms, started at 0, 5, 10, 20, 30 ms
  const samples = [s('a', 'q1', 'simple', 0, 1), s('a', 'q1', 'simple', 5, 2), s('a', 'q1', 'simple', 10, 3), s('a', 'q1', 'simple', 20, 4), s('a', 'q1', 'simple', 30, 10)];
  const { aggregates } = summarize('run-1', samples);
  const r = row(aggregates, 'a', 'query', 'q1');

  it('counts and identifiers', () => {
    expect(r.run_id).toBe('run-1');
    expect(r.category).toBe('simple');
    expect(r.count).toBe(5);
    expect(r.failed).toBe(0);
  });

  it('percentiles by linear interpolation (h = (n-1)p)', () => {
    // sorted x = [1, 2, 3, 4, 10], n = 5
    // p50: h = 4·0.50 = 2    → x[2] = 3
    expect(r.p50_ms).toBeCloseTo(3, 12);
    // p95: h = 4·0.95 = 3.8  → x[3] + 0.8·(x[4] - x[3]) = 4 + 0.8·6 = 8.8
    expect(r.p95_ms).toBeCloseTo(8.8, 12);
    // p99: h = 4·0.99 = 3.96 → 4 + 0.96·6 = 9.76
    expect(r.p99_ms).toBeCloseTo(9.76, 12);
  });

  it('mean, min, max', () => {
    // mean = (1+2+3+4+10)/5 = 20/5 = 4
    expect(r.mean_ms).toBeCloseTo(4, 12);
    expect(r.min_ms).toBe(1);
    expect(r.max_ms).toBe(10);
  });

  it('qps = ok count / sum of ok latencies', () => {
    // 5 / 0.020 s = 250
    expect(r.qps).toBeCloseTo(250, 9);
  });

  it('qps_wall uses start-to-next-start slots, the last one its own latency', () => {
    // slots: 5-0=5, 10-5=5, 20-10=10, 30-20=10, last = own latency 10 → 40 ms
    // 5 / 0.040 s = 125
    expect(r.qps_wall).toBeCloseTo(125, 9);
  });

  it('category and overall levels equal the query level for a single query', () => {
    const c = row(aggregates, 'a', 'category', 'simple');
    const o = row(aggregates, 'a', 'overall', 'all');
    expect(o.category).toBe('all');
    for (const x of [c, o]) {
      expect(x.count).toBe(5);
      expect(x.p95_ms).toBeCloseTo(8.8, 12);
      expect(x.qps).toBeCloseTo(250, 9);
      expect(x.qps_wall).toBeCloseTo(125, 9);
    }
    expect(aggregates).toHaveLength(3);
  });
});

describe('summarize: failed samples', () => {
  it('are excluded from latency statistics and counted in failed', () => {
    // Same five ok requests as above plus a 500 ms failure started at 40 ms (the last request).
    const samples = [
      s('a', 'q1', 'simple', 0, 1),
      s('a', 'q1', 'simple', 5, 2),
      s('a', 'q1', 'simple', 10, 3),
      s('a', 'q1', 'simple', 20, 4),
      s('a', 'q1', 'simple', 30, 10),
      s('a', 'q1', 'simple', 40, 500, 0),
    ];
    const r = row(summarize('run-1', samples).aggregates, 'a', 'query', 'q1');
    expect(r.count).toBe(6);
    expect(r.failed).toBe(1);
    // Unchanged by the failure (it is not a latency):
    expect(r.p50_ms).toBeCloseTo(3, 12);
    expect(r.p95_ms).toBeCloseTo(8.8, 12);
    expect(r.p99_ms).toBeCloseTo(9.76, 12);
    expect(r.mean_ms).toBeCloseTo(4, 12);
    expect(r.max_ms).toBe(10);
    expect(r.min_ms).toBe(1);
    // qps = 5 ok / 0.020 s = 250 (the failure's 500 ms is not in the denominator)
    expect(r.qps).toBeCloseTo(250, 9);
    // qps_wall: the failure still occupied wall time. slots 5+5+10+10+(40-30)=40 ms for the ok
    // ones, plus the last (failed) request's own 500 ms → 540 ms; 5 / 0.540 s = 9.259259...
    expect(r.qps_wall).toBeCloseTo(5 / 0.54, 9);
  });

  it('a group with only failed samples yields null statistics', () => {
    const samples = [
      s('a', 'q1', 'simple', 0, 1),
      s('b', 'q1', 'simple', 2, 3, 0),
      s('a', 'q2', 'simple', 10, 1, 0),
      s('b', 'q1', 'simple', 12, 4, 0),
    ];
    const { aggregates, spectrum } = summarize('run-1', samples);
    for (const [target, level, key, count] of [
      ['b', 'query', 'q1', 2],
      ['b', 'category', 'simple', 2],
      ['b', 'overall', 'all', 2],
      ['a', 'query', 'q2', 1],
    ] as const) {
      const r = row(aggregates, target, level, key);
      expect(r.count).toBe(count);
      expect(r.failed).toBe(count);
      expect(r.mean_ms).toBeNull();
      expect(r.p50_ms).toBeNull();
      expect(r.p95_ms).toBeNull();
      expect(r.p99_ms).toBeNull();
      expect(r.min_ms).toBeNull();
      expect(r.max_ms).toBeNull();
      expect(r.qps).toBeNull();
      expect(r.qps_wall).toBeNull();
    }
    // a's overall level still has its one success: 1 ms latency.
    const a = row(aggregates, 'a', 'overall', 'all');
    expect(a.count).toBe(2);
    expect(a.failed).toBe(1);
    expect(a.p50_ms).toBe(1);
    // qps = 1 / 0.001 s = 1000
    expect(a.qps).toBeCloseTo(1000, 9);
    // slots of a: q1@0 → next start (b@2) = 2 ms; q2@10 → next (b@12) = 2 ms → 4 ms; 1 / 0.004 = 250
    expect(a.qps_wall).toBeCloseTo(250, 9);
    // No spectrum rows for a target without any successful request.
    expect(spectrum.filter((x) => x.target === 'b')).toEqual([]);
    expect(spectrum.filter((x) => x.target === 'a')).toHaveLength(SPECTRUM_QUANTILES.length);
  });
});

describe('summarize: interleaved targets', () => {
  it('qps_wall slots run to the next request of ANY target; input order does not matter', () => {
    // start(ms) target latency   next start   slot
    //   0        a       2         3 (b)       3
    //   3        b       1         5 (a)       2
    //   5        a       2        10 (b)       5
    //  10        b       4        20 (a)      10
    //  20        a       3        —  (last)    3 (own latency)
    const samples = [
      s('a', 'q1', 'simple', 20, 3),
      s('b', 'q1', 'simple', 3, 1),
      s('a', 'q1', 'simple', 0, 2),
      s('b', 'q1', 'simple', 10, 4),
      s('a', 'q1', 'simple', 5, 2),
    ];
    const { aggregates } = summarize('run-1', samples);
    const a = row(aggregates, 'a', 'query', 'q1');
    const b = row(aggregates, 'b', 'query', 'q1');
    // a: 3 ok; slots 3 + 5 + 3 = 11 ms → 3 / 0.011 = 272.727...; latencies 2+2+3 = 7 ms → 3/0.007
    expect(a.qps_wall).toBeCloseTo(3 / 0.011, 9);
    expect(a.qps).toBeCloseTo(3 / 0.007, 9);
    // b: 2 ok; slots 2 + 10 = 12 ms → 2 / 0.012 = 166.67; latencies 1+4 = 5 ms → 400
    expect(b.qps_wall).toBeCloseTo(2 / 0.012, 9);
    expect(b.qps).toBeCloseTo(400, 9);
    // a's latencies [2, 2, 3]: p50 h=1 → 2; p95 h=1.9 → 2 + 0.9·1 = 2.9; mean 7/3
    expect(a.p50_ms).toBeCloseTo(2, 12);
    expect(a.p95_ms).toBeCloseTo(2.9, 12);
    expect(a.mean_ms).toBeCloseTo(7 / 3, 12);
    // b's latencies [1, 4]: p50 h=0.5 → 1 + 0.5·3 = 2.5; p99 h=0.99 → 1 + 0.99·3 = 3.97
    expect(b.p50_ms).toBeCloseTo(2.5, 12);
    expect(b.p99_ms).toBeCloseTo(3.97, 12);
  });
});

describe('summarize: query, category and overall levels', () => {
  // target a, sequential starts 10 ms apart:
  //   q1 (simple)            @0: 1 ms, @10: 3 ms
  //   q2 (simple)            @20: 5 ms
  //   q3 (vector_similarity) @30: 2 ms, @40: 4 ms, @50: 6 ms (last: slot = own 6 ms)
  const samples = [
    s('a', 'q1', 'simple', 0, 1),
    s('a', 'q1', 'simple', 10, 3),
    s('a', 'q2', 'simple', 20, 5),
    s('a', 'q3', 'vector_similarity', 30, 2),
    s('a', 'q3', 'vector_similarity', 40, 4),
    s('a', 'q3', 'vector_similarity', 50, 6),
  ];
  const { aggregates } = summarize('run-1', samples);

  it('has one row per (target, level, key)', () => {
    const byLevel = (l: AggregateLevel) => aggregates.filter((r) => r.level === l).map((r) => r.key).sort();
    expect(byLevel('query')).toEqual(['q1', 'q2', 'q3']);
    expect(byLevel('category')).toEqual(['simple', 'vector_similarity']);
    expect(byLevel('overall')).toEqual(['all']);
    expect(aggregates).toHaveLength(6);
  });

  it('query level', () => {
    const q1 = row(aggregates, 'a', 'query', 'q1');
    expect(q1.category).toBe('simple');
    expect(q1.count).toBe(2);
    // [1, 3]: p50 h = 0.5 → 1 + 0.5·2 = 2; mean 2
    expect(q1.p50_ms).toBeCloseTo(2, 12);
    expect(q1.mean_ms).toBeCloseTo(2, 12);
    // qps = 2 / 0.004 s = 500; slots 10 + 10 = 20 ms → 2 / 0.020 = 100
    expect(q1.qps).toBeCloseTo(500, 9);
    expect(q1.qps_wall).toBeCloseTo(100, 9);
    const q3 = row(aggregates, 'a', 'query', 'q3');
    expect(q3.category).toBe('vector_similarity');
    // slots 10 + 10 + 6 = 26 ms → 3 / 0.026
    expect(q3.qps_wall).toBeCloseTo(3 / 0.026, 9);
  });

  it('category level pools the queries of a category', () => {
    const simple = row(aggregates, 'a', 'category', 'simple');
    expect(simple.category).toBe('simple');
    expect(simple.count).toBe(3);
    // [1, 3, 5]: p50 h=1 → 3; p95 h=1.9 → 3 + 0.9·2 = 4.8; p99 h=1.98 → 3 + 0.98·2 = 4.96
    expect(simple.p50_ms).toBeCloseTo(3, 12);
    expect(simple.p95_ms).toBeCloseTo(4.8, 12);
    expect(simple.p99_ms).toBeCloseTo(4.96, 12);
    expect(simple.mean_ms).toBeCloseTo(3, 12);
    expect(simple.min_ms).toBe(1);
    expect(simple.max_ms).toBe(5);
    // qps = 3 / 0.009 s = 333.33; slots 10+10+10 = 30 ms → 100
    expect(simple.qps).toBeCloseTo(3 / 0.009, 9);
    expect(simple.qps_wall).toBeCloseTo(100, 9);

    const vs = row(aggregates, 'a', 'category', 'vector_similarity');
    expect(vs.count).toBe(3);
    // [2, 4, 6]: p50 = 4, mean = 4; p95 h=1.9 → 4 + 0.9·2 = 5.8
    expect(vs.p50_ms).toBeCloseTo(4, 12);
    expect(vs.p95_ms).toBeCloseTo(5.8, 12);
    expect(vs.mean_ms).toBeCloseTo(4, 12);
    // qps = 3 / 0.012 = 250
    expect(vs.qps).toBeCloseTo(250, 9);
  });

  it('overall level pools every query of the target', () => {
    const o = row(aggregates, 'a', 'overall', 'all');
    expect(o.category).toBe('all');
    expect(o.count).toBe(6);
    expect(o.failed).toBe(0);
    // [1, 2, 3, 4, 5, 6], n = 6
    // p50: h = 5·0.5 = 2.5   → 3 + 0.5·1 = 3.5
    // p95: h = 5·0.95 = 4.75 → 5 + 0.75·1 = 5.75
    // p99: h = 5·0.99 = 4.95 → 5 + 0.95·1 = 5.95
    expect(o.p50_ms).toBeCloseTo(3.5, 12);
    expect(o.p95_ms).toBeCloseTo(5.75, 12);
    expect(o.p99_ms).toBeCloseTo(5.95, 12);
    // mean = 21 / 6 = 3.5
    expect(o.mean_ms).toBeCloseTo(3.5, 12);
    expect(o.min_ms).toBe(1);
    expect(o.max_ms).toBe(6);
    // qps = 6 / 0.021 s = 285.714...
    expect(o.qps).toBeCloseTo(6 / 0.021, 9);
    // slots 5 × 10 ms + 6 ms = 56 ms → 6 / 0.056 = 107.142...
    expect(o.qps_wall).toBeCloseTo(6 / 0.056, 9);
  });
});

describe('summarize: latency spectrum', () => {
  it('gives every SPECTRUM_QUANTILE of the ok latencies, per target', () => {
    // ok latencies 10, 20, ..., 100 ms (n = 10, so h = 9q) plus one failed 1000 ms request.
    const samples: SampleRow[] = [];
    for (let i = 1; i <= 10; i++) samples.push(s('a', 'q1', 'simple', i * 200, i * 10));
    samples.push(s('a', 'q2', 'simple', 5000, 1000, 0));
    samples.push(s('c', 'q1', 'simple', 9000, 7));

    const { spectrum } = summarize('run-9', samples);
    const a = spectrum.filter((x) => x.target === 'a');
    expect(a.map((x) => x.quantile)).toEqual([...SPECTRUM_QUANTILES]);
    expect(a.every((x) => x.run_id === 'run-9')).toBe(true);
    // q     h = 9q    value = x[⌊h⌋] + frac·10
    // 0     0         10
    // 0.1   0.9       10 + 9   = 19
    // 0.25  2.25      30 + 2.5 = 32.5
    // 0.5   4.5       50 + 5   = 55
    // 0.75  6.75      70 + 7.5 = 77.5
    // 0.9   8.1       90 + 1   = 91
    // 0.95  8.55      90 + 5.5 = 95.5
    // 0.99  8.91      90 + 9.1 = 99.1
    // 0.995 8.955     90 + 9.55 = 99.55
    // 0.999 8.991     90 + 9.91 = 99.91
    // 1     9         100 (the failed 1000 ms is not included)
    const expected = [10, 19, 32.5, 55, 77.5, 91, 95.5, 99.1, 99.55, 99.91, 100];
    a.forEach((x, i) => expect(x.latency_ms).toBeCloseTo(expected[i]!, 9));

    // Target c, a single 7 ms request: every quantile is 7.
    const c = spectrum.filter((x) => x.target === 'c');
    expect(c).toHaveLength(SPECTRUM_QUANTILES.length);
    for (const x of c) expect(x.latency_ms).toBe(7);
    expect(spectrum).toHaveLength(2 * SPECTRUM_QUANTILES.length);
  });
});

describe('summarize: edge cases', () => {
  it('no samples → nothing', () => {
    expect(summarize('run-1', [])).toEqual({ aggregates: [], spectrum: [] });
  });

  it('a single request: qps_wall equals qps (its slot is its own latency)', () => {
    const r = row(summarize('run-1', [s('a', 'q1', 'simple', 100, 4)]).aggregates, 'a', 'query', 'q1');
    expect(r.p50_ms).toBe(4);
    expect(r.p99_ms).toBe(4);
    // 1 / 0.004 s = 250
    expect(r.qps).toBeCloseTo(250, 9);
    expect(r.qps_wall).toBeCloseTo(250, 9);
  });

  it('sub-millisecond latencies keep their precision (ns → ms)', () => {
    // 150 µs and 250 µs, back to back: starts 0 and 0.2 ms
    const r = row(summarize('run-1', [s('a', 'q1', 'simple', 0, 0.15), s('a', 'q1', 'simple', 0.2, 0.25)]).aggregates, 'a', 'query', 'q1');
    expect(r.min_ms).toBeCloseTo(0.15, 12);
    expect(r.max_ms).toBeCloseTo(0.25, 12);
    expect(r.mean_ms).toBeCloseTo(0.2, 12);
    // qps = 2 / 0.0004 s = 5000; slots 0.2 + 0.25 = 0.45 ms → 2 / 0.00045 = 4444.4
    expect(r.qps).toBeCloseTo(5000, 6);
    expect(r.qps_wall).toBeCloseTo(2 / 0.00045, 6);
  });
});
