import type { TopLevelSpec } from 'vega-lite';
import type { SweepAggregateRow } from '../../store/sweep.js';

/**
 * The knee: wall-clock QPS (left) and p99 latency (right) against the number of concurrent
 * clients, one line per target, all queries together. Targets whose clients queue behind one
 * session are drawn dashed. Reads only scope === 'all' rows.
 */
export function concurrencySweepChart(rows: readonly SweepAggregateRow[], opts: { title: string; subtitle?: string[] }): TopLevelSpec {
  const values = rows
    .filter((r) => r.scope === 'all' && r.qps_wall !== null && r.p99_ms !== null)
    .map((r) => ({ target: r.target, clients: r.concurrency, qps: r.qps_wall, p99_ms: r.p99_ms, sessions: r.concurrent_sessions ? 'concurrent' : 'queued behind one session' }));
  const x = { field: 'clients', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'concurrent clients', axis: { tickMinStep: 1 } } as const;
  const common = {
    mark: { type: 'line', point: true, tooltip: true },
    encoding: { x, color: { field: 'target', type: 'nominal' }, strokeDash: { field: 'sessions', type: 'nominal', title: 'sessions' } },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle: opts.subtitle?.length ? opts.subtitle : undefined, anchor: 'start' },
    data: { values },
    hconcat: [
      { ...common, width: 300, height: 240, encoding: { ...common.encoding, y: { field: 'qps', type: 'quantitative', title: 'QPS (wall clock, all clients)' } } },
      { ...common, width: 300, height: 240, encoding: { ...common.encoding, y: { field: 'p99_ms', type: 'quantitative', scale: { type: 'log' }, title: 'p99 latency (ms)' } } },
    ],
  } as TopLevelSpec;
}
