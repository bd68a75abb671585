import type { TopLevelSpec } from 'vega-lite';
import type { OpenLoopAggregateRow } from '../../store/open-loop.js';

/**
 * Latency versus offered rate (open-loop mode): corrected p50 and p99 (from the intended start)
 * per target against the offered rate, all queries together (scope 'all'), with the SLO drawn as
 * a horizontal rule. Both axes are logarithmic when the values span a factor of 10 or more,
 * because an overloaded level's queueing delay dwarfs the service time. A level with drops is
 * marked with a hollow point and its tooltip gives the counts. Targets whose requests queue behind
 * one session carry that in their legend label.
 */
export function latencyVsRateChart(rows: readonly OpenLoopAggregateRow[], opts: { title: string; subtitle?: string[]; sloP99Ms: number }): TopLevelSpec {
  const label = (r: OpenLoopAggregateRow) => (r.concurrent_sessions ? r.target : `${r.target} (queued behind one session)`);
  const values = rows
    .filter((r) => r.scope === 'all')
    .flatMap((r) =>
      (
        [
          ['p50', r.p50_ms],
          ['p99', r.p99_ms],
        ] as const
      )
        .flatMap(([percentile, v]) => (v === null || !(v > 0) ? [] : [{
          target: label(r), offered_rate: r.offered_rate, percentile: `${percentile} (corrected)`, latency_ms: v,
          achieved_rate: r.achieved_rate === null ? null : Math.round(r.achieved_rate * 10) / 10,
          late: r.late, dropped: r.dropped, failed: r.failed, service_p99_ms: r.service_p99_ms, status: r.dropped > 0 ? 'requests dropped' : 'all sent',
        }])),
    );
  const spans = (xs: number[]) => xs.length > 0 && Math.max(...xs) / Math.min(...xs) >= 10;
  const rates = values.map((v) => v.offered_rate);
  const lat = [...values.map((v) => v.latency_ms), opts.sloP99Ms];
  const subtitle = [...(opts.subtitle ?? []), 'solid: p50, dashed: p99 — latency from each request\'s intended start (corrected)', `dotted black rule: the SLO, p99 ≤ ${opts.sloP99Ms} ms`];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle, anchor: 'start' },
    width: 520,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'offered_rate', type: 'quantitative', title: 'offered rate (requests/s)', axis: { values: [...new Set(rates)].sort((a, b) => a - b) }, scale: spans(rates) ? { type: 'log', nice: false, padding: 12 } : { zero: false, padding: 12 } },
          y: { field: 'latency_ms', type: 'quantitative', title: 'latency from intended start (ms)', scale: spans(lat) ? { type: 'log' } : { zero: true } },
          color: { field: 'target', type: 'nominal', title: 'target', legend: { labelLimit: 320 } },
          strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile', sort: ['p50 (corrected)', 'p99 (corrected)'], legend: null },
          shape: { field: 'status', type: 'nominal', title: 'level', scale: { domain: ['all sent', 'requests dropped'], range: ['circle', 'cross'] } },
          tooltip: [
            { field: 'target' }, { field: 'offered_rate', title: 'offered /s' }, { field: 'achieved_rate', title: 'achieved /s' },
            { field: 'percentile' }, { field: 'latency_ms', title: 'latency (ms)', format: '.3f' }, { field: 'service_p99_ms', title: 'service p99 (ms)', format: '.3f' },
            { field: 'late' }, { field: 'dropped' }, { field: 'failed' },
          ],
        },
      },
      {
        data: { values: [{ slo: opts.sloP99Ms }] },
        mark: { type: 'rule', color: '#222', strokeDash: [2, 3], strokeWidth: 2 },
        encoding: { y: { field: 'slo', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}
