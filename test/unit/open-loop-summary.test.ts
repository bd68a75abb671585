import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';
import { latencyVsRateChart } from '../../lib/render/charts/latency-vs-rate.js';
import { renderChart } from '../../lib/render/export-chart.js';
import { openLoopVerdicts, summarizeOpenLoop } from '../../lib/stats/open-loop-summary.js';
import type { OpenLoopAggregateRow, OpenLoopLevelRow, OpenLoopSampleRow } from '../../lib/store/open-loop.js';

const ms = 1e6;
function sample(seq: number, category: string, intended: number, start: number | null, end: number | null, extra: Partial<OpenLoopSampleRow> = {}): OpenLoopSampleRow {
  return {
    run_id: 'r', target: 't', offered_rate: 10, seq, session: start === null ? null : 0, query_id: 'q', category, intended_ns: intended, start_ns: start, end_ns: end,
    queued: 0, late: 0, dropped: start === null ? 1 : 0, ok: start === null ? null : 1, error: null, ...extra,
  };
}
const level = (rate: number, extra: Partial<OpenLoopLevelRow> = {}): OpenLoopLevelRow => ({
  run_id: 'r', target: 't', offered_rate: rate, arrival: 'uniform', sessions: 2, concurrent_sessions: 1, scheduled: 5, span_ns: 500 * ms, wall_ns: 400 * ms,
  late_threshold_ns: ms, drop_after_ns: 2500 * ms, max_queue: 1, ...extra,
});

describe('open-loop summary (hand-computed)', () => {
  it('corrected and service percentiles, counts and achieved rate per scope', () => {
    // corrected (end − intended): 2, 4, 30, 6 ms; service (end − start): 2, 4, 5, 6 ms; one dropped, one failed
    const samples = [
      sample(0, 'simple', 0, 0, 2 * ms),
      sample(1, 'simple', 100 * ms, 100 * ms, 104 * ms),
      sample(2, 'join', 200 * ms, 225 * ms, 230 * ms, { late: 1, queued: 1 }),
      sample(3, 'join', 300 * ms, 300 * ms, 306 * ms),
      sample(4, 'join', 400 * ms, 400 * ms, 401 * ms, { ok: 0, error: 'boom' }),
      sample(5, 'simple', 450 * ms, null, null),
    ];
    const rows = summarizeOpenLoop('r', samples, [level(10, { scheduled: 6 })]);
    const all = rows.find((r) => r.scope === 'all')!;
    expect(rows.map((r) => r.scope)).toEqual(['all', 'join', 'simple']);
    expect(all).toMatchObject({ scheduled: 6, completed: 5, failed: 1, late: 1, dropped: 1 });
    // sorted corrected [2, 4, 6, 30]: p50 = 4 + 0.5·2 = 5; p99: h = 2.97 → 6 + 0.97·24 = 29.28
    expect(all.p50_ms).toBeCloseTo(5, 12);
    expect(all.p99_ms).toBeCloseTo(29.28, 12);
    // sorted service [2, 4, 5, 6]: p50 = 4.5; p99 = 5 + 0.97·1 = 5.97
    expect(all.service_p50_ms).toBeCloseTo(4.5, 12);
    expect(all.service_p99_ms).toBeCloseTo(5.97, 12);
    // 4 successful ÷ max(span 0.5 s, wall 0.4 s)
    expect(all.achieved_rate).toBeCloseTo(8, 12);
    expect(rows.find((r) => r.scope === 'simple')).toMatchObject({ scheduled: 3, completed: 2, dropped: 1, p50_ms: 3 });
  });

  it('the verdict is the highest rate meeting the SLO with nothing dropped or failed; none when even the lowest misses', () => {
    const row = (rate: number, p99: number | null, dropped = 0, failed = 0): OpenLoopAggregateRow => ({
      run_id: 'r', target: 't', offered_rate: rate, scope: 'all', scheduled: 100, completed: 100 - dropped, failed, late: 0, dropped, achieved_rate: rate,
      p50_ms: 1, p99_ms: p99, service_p50_ms: 1, service_p99_ms: 1, sessions: 2, concurrent_sessions: 1,
    });
    const [v] = openLoopVerdicts('r', [row(10, 3), row(20, 9.9), row(40, 10), row(80, 4, 3)], 10);
    expect(v).toMatchObject({ sustained_rate: 40, slo_p99_ms: 10, detail: '80/s: 3 dropped' });
    const [none] = openLoopVerdicts('r', [row(10, 11), row(20, 50, 0, 2)], 10);
    expect(none).toMatchObject({ sustained_rate: null, detail: '10/s: p99 11.0 ms; 20/s: 2 failed, p99 50.0 ms' });
  });
});

describe('open-loop config', () => {
  const base = { targets: ['pglite'], scale: 'small', dataset_size: 100 };
  it('accepts one rate or a list, with defaults for the rest', () => {
    const one = resolveConfig({ ...base, rate: 50 }, {}, 'test');
    expect(one.rate).toEqual([50]);
    expect(one).toMatchObject({ rate_arrival: 'poisson', rate_sessions: 4, rate_late_ms: 1, rate_grace_s: 2, slo_p99_ms: 10 });
    expect(resolveConfig({ ...base, rate: [25, 50] }, {}, 'test').rate).toEqual([25, 50]);
    expect(resolveConfig(base, {}, 'test').rate).toEqual([]);
  });
  it('names the field and what to do', () => {
    const problems = (raw: Record<string, unknown>) => {
      try {
        resolveConfig({ ...base, ...raw }, {}, 'test');
        return '';
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
    };
    expect(problems({ rate: [50, -1] })).toMatch(/rate\.1: Too small: expected number to be >0 \(got -1\)/);
    expect(problems({ rate: 'fast' })).toMatch(/rate: expected an offered rate/);
    expect(problems({ rate_arrival: 'bursty' })).toMatch(/rate_arrival: .*"uniform".*"poisson"/);
    expect(problems({ rate_duration_s: 5, rate_requests: 100 })).toMatch(/rate_duration_s and rate_requests are both set: give one/);
    expect(problems({ rate_queries: ['simple_count', 'nope'] })).toMatch(/rate_queries\.1: /);
    expect(problems({ slo_p99_ms: 0 })).toMatch(/slo_p99_ms: /);
  });
});

describe('latency-vs-rate chart', () => {
  it('compiles and renders with the SLO rule and a queued target labelled', async () => {
    const row = (target: string, rate: number, p99: number, concurrent: number): OpenLoopAggregateRow => ({
      run_id: 'r', target, offered_rate: rate, scope: 'all', scheduled: 100, completed: 100, failed: 0, late: 1, dropped: rate > 100 ? 5 : 0, achieved_rate: rate,
      p50_ms: p99 / 4, p99_ms: p99, service_p50_ms: 1, service_p99_ms: 2, sessions: 4, concurrent_sessions: concurrent,
    });
    const spec = latencyVsRateChart([row('postgres', 10, 3, 1), row('postgres', 200, 400, 1), row('pglite', 10, 8, 0), row('pglite', 200, 900, 0)], { title: 'Open loop', sloP99Ms: 10 });
    expect(() => compile(spec)).not.toThrow();
    const json = JSON.stringify(spec);
    expect(json).toContain('pglite (queued behind one session)');
    expect(json).toContain('"slo":10');
    const { svg } = await renderChart(spec);
    expect(svg).toContain('offered rate (requests/s)');
  });
});
