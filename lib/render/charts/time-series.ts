import type { TopLevelSpec } from 'vega-lite';
import type { TimeSeriesRow } from '../../store/time-series.js';

/**
 * Stability over the run: completed requests per second (top) and p99 latency of each bucket
 * (bottom) against time since the start of the measured phase, one line per target, all queries
 * together (scope 'all'). Drawn from the aggregated buckets only — at most a few hundred per
 * target however many samples the run has (long runs use wider buckets; the subtitle says which).
 * A bucket without successful requests has QPS 0 and no p99 point (the p99 line breaks there).
 * The run's last bucket ends at its last completion; when that covers less than half a bucket it
 * is left out of the chart (a rate over a sliver of a second is noise — 30+ QPS spikes from a
 * 0.1 s remainder were seen), but it stays in the stored table.
 */
export function timeSeriesChart(rows: readonly TimeSeriesRow[], opts: { title: string; subtitle?: string[] }): TopLevelSpec {
  const values = rows
    .filter((r) => r.scope === 'all' && r.covered_s >= r.width_s / 2)
    .map((r) => ({
      target: r.target,
      t_s: r.start_s,
      qps: r.qps === null ? null : Math.round(r.qps * 100) / 100,
      p99_ms: r.p99_ms === null ? null : Number(r.p99_ms.toPrecision(5)),
    }));
  const width = rows[0]?.width_s ?? 1;
  const x = { field: 't_s', type: 'quantitative', title: `time since the start of the measured phase (s; buckets of ${width} s)` } as const;
  const color = { field: 'target', type: 'nominal' } as const;
  const subtitle = [...(opts.subtitle ?? []), `per ${width === 1 ? 'second' : `${width}-second bucket`}: requests completed in it (QPS) and the p99 of their latencies`];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle, anchor: 'start' },
    data: { values },
    vconcat: [
      { width: 640, height: 180, mark: { type: 'line', interpolate: 'step-after', tooltip: true }, encoding: { x, y: { field: 'qps', type: 'quantitative', title: width === 1 ? 'QPS (completed per second)' : 'QPS (completed ÷ bucket width)' }, color } },
      { width: 640, height: 180, mark: { type: 'line', interpolate: 'step-after', tooltip: true }, encoding: { x, y: { field: 'p99_ms', type: 'quantitative', scale: { type: 'log' }, title: 'p99 latency of the bucket (ms)' }, color } },
    ],
  } as TopLevelSpec;
}
