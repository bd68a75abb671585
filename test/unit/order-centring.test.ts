import { describe, expect, it } from 'vitest';
import { groupLatencies } from '../../lib/stats/latency-groups.js';
import { CENTRED_NOTE, noiseFlags } from '../../lib/stats/noise.js';
import { MIN_PER_ORDER, orderCentred, ordersInIteration } from '../../lib/stats/order-centring.js';
import type { AggregateRow } from '../../lib/store/aggregates.js';
import { sampleColumnsOf } from '../../lib/store/sample-columns.js';
import type { SampleRow } from '../../lib/store/samples.js';

const agg = (target: string): AggregateRow => ({
  run_id: 'r', target, level: 'query', key: 'q', category: 'simple', count: 100, failed: 0, mean_ms: 1, p50_ms: 1,
  p95_ms: 1, p99_ms: 1, min_ms: 1, max_ms: 1, qps: 1, qps_wall: 1, p50_low: 1, p50_high: 1,
});

/** Two paths t and u, n iterations; `tFirst(i)`: t ran iteration i first; `ms(target, i, second)`: the latency. */
function run(n: number, tFirst: (i: number) => boolean, ms: (target: string, i: number, second: boolean) => number): SampleRow[] {
  const out: SampleRow[] = [];
  for (let i = 0; i < n; i++) {
    for (const target of ['t', 'u']) {
      const second = (target === 't') !== tFirst(i);
      out.push({ run_id: 'r', target, query_id: 'q', category: 'simple', phase: 'measure', iteration: i, start_ns: i * 100 + (second ? 50 : 0), elapsed_ns: Math.round(ms(target, i, second) * 1e6), row_count: 1, ok: 1, error: null });
    }
  }
  return out;
}

describe('orderCentred: the order effect taken out of a series', () => {
  it('centres each order on its own median, in logs, around the mean of the orders\' medians', () => {
    const values = Float64Array.from({ length: 80 }, (_, i) => (i % 2 ? 1.5 : 1));
    const order = Uint8Array.from({ length: 80 }, (_, i) => i % 2);
    expect([...new Set(orderCentred(values, order)!.map((x) => Number(x.toFixed(12))))]).toEqual([Number(Math.sqrt(1.5).toFixed(12))]);
  });

  it('does not apply with one order, or when an order is missing from the first or last quarter (blocked: ABBA halves)', () => {
    const values = Float64Array.from({ length: 80 }, (_, i) => 1 + i / 80);
    expect(orderCentred(values, new Uint8Array(80))).toBeNull();
    expect(orderCentred(values, Uint8Array.from({ length: 80 }, (_, i) => (i < 40 ? 0 : 1)))).toBeNull();
    // too few of one order in a quarter (20 values a quarter, one order 7 times)
    const sparse = Uint8Array.from({ length: 80 }, (_, i) => (i % 20 < 7 ? 1 : 0));
    expect(MIN_PER_ORDER).toBe(8);
    expect(orderCentred(values, sparse)).toBeNull();
  });

  it('orders: the same id for iterations whose targets ran in the same order', () => {
    const groups = groupLatencies(sampleColumnsOf(run(4, (i) => i % 2 === 0, () => 1)));
    expect([...ordersInIteration(groups, 't', 'q')]).toEqual([0, 1, 0, 1]);
    expect([...ordersInIteration(groups, 'u', 'q')]).toEqual([0, 1, 0, 1]);
  });
});

describe('drift flags with the order effect taken out', () => {
  it('measures a drift of both orders as it is, and says the order effect was taken out', () => {
    // Interleaved: t first in even iterations; the second request is 1.5× faster; both orders slow
    // down 20% after the first quarter of 200 iterations.
    const rows = run(200, (i) => i % 2 === 0, (_t, i, second) => (i < 50 ? 1 : 1.2) * (second ? 1 / 1.5 : 1) * (1 + 0.001 * (i % 7)));
    const flags = noiseFlags('r', [agg('t'), agg('u')], rows).filter((f) => f.kind === 'drift');
    expect(flags.map((f) => f.target)).toEqual(['t', 'u']);
    expect(flags[0]!.detail).toMatch(/\(\+20%; each order of its iterations centred on its own median: the order effect taken out\)/);
    expect(flags[0]!.detail).toContain(CENTRED_NOTE);
  });

  it('leaves a blocked-like series as it is, so a change between its halves is still a drift', () => {
    // t first through the first half, u first through the second (ABBA): the orders are the halves.
    const rows = run(200, (i) => i < 100, (_t, i) => (i < 100 ? 1 : 1.3) * (1 + 0.001 * (i % 7)));
    const flags = noiseFlags('r', [agg('t'), agg('u')], rows).filter((f) => f.kind === 'drift');
    expect(flags.map((f) => f.target)).toEqual(['t', 'u']);
    expect(flags[0]!.detail).toMatch(/\(\+30%\)/);
    expect(flags[0]!.detail).not.toContain(CENTRED_NOTE);
  });
});
