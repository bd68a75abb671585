import { describe, expect, it } from 'vitest';
import { noiseFlags } from '../../lib/stats/noise.js';
import type { AggregateRow } from '../../lib/store/aggregates.js';
import type { SampleRow } from '../../lib/store/samples.js';

const agg = (over: Partial<AggregateRow>): AggregateRow => ({
  run_id: 'r', target: 't', level: 'query', key: 'q', category: 'simple', count: 100, failed: 0, mean_ms: 1, p50_ms: 1,
  p95_ms: 1, p99_ms: 1, min_ms: 1, max_ms: 1, qps: 1, qps_wall: 1, ...over,
});
const samples = (ms: (i: number) => number, n = 100): SampleRow[] =>
  Array.from({ length: n }, (_, i) => ({
    run_id: 'r', target: 't', query_id: 'q', category: 'simple', phase: 'measure', iteration: i, start_ns: i, elapsed_ns: Math.round(ms(i) * 1e6), row_count: 1, ok: 1, error: null,
  }));

describe('noise flags', () => {
  it('flags a p50 interval wider than ±10% and not one within it', () => {
    expect(noiseFlags('r', [agg({ p50_ms: 2, p50_low: 1.7, p50_high: 2.3 })], samples(() => 2))).toEqual([
      { run_id: 'r', target: 't', query_id: 'q', kind: 'wide interval', detail: 'p50 2.000 ms ± 0.300 (15% > 10%)' },
    ]);
    expect(noiseFlags('r', [agg({ p50_ms: 2, p50_low: 1.9, p50_high: 2.1 })], samples(() => 2))).toEqual([]);
  });

  it('flags a drift from 1 ms to 2 ms across the run, not a stable alternating series', () => {
    const drift = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], samples((i) => 1 + i / 99));
    expect(drift.map((f) => f.kind)).toEqual(['drift']);
    expect(drift[0]!.detail).toMatch(/first quarter, .* last \(\+\d+%\)/);
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], samples((i) => (i % 2 ? 1.2 : 1)))).toEqual([]);
  });
});
