import type { TopLevelSpec } from 'vega-lite';
import type { AggregateRow } from '../../store/aggregates.js';

/**
 * p50 latency per query and target with its 95% bootstrap CI as an error bar — where two targets'
 * bars overlap, the data cannot tell them apart. One row per query (y), latency on a log x axis
 * (queries differ by orders of magnitude), colour = target, targets offset within a row.
 *
 * Contract: reads only level === 'query' rows that carry an interval (p50_low/p50_high).
 */
export interface QueryCiDatum {
  target: string;
  query: string;
  category: string;
  p50_ms: number;
  low_ms: number;
  high_ms: number;
}

export function queryCiRows(rows: readonly AggregateRow[]): QueryCiDatum[] {
  return rows
    .filter((r) => r.level === 'query' && r.p50_ms !== null && r.p50_low != null && r.p50_high != null && r.p50_ms > 0 && r.p50_low > 0)
    .map((r) => ({ target: r.target, query: r.key, category: r.category, p50_ms: r.p50_ms!, low_ms: r.p50_low!, high_ms: r.p50_high! }));
}

export function queryP50CiChart(rows: readonly AggregateRow[], opts: { title: string; subtitle?: string[] }): TopLevelSpec {
  const values = queryCiRows(rows);
  const subtitle = [...(opts.subtitle ?? []), ...(values.length === 0 ? ['no per-query intervals for this run (re-run make aggregate)'] : [])];
  const y = { field: 'query', type: 'nominal', title: null, sort: { field: 'category' } } as const;
  const yOffset = { field: 'target', type: 'nominal' } as const;
  const color = { field: 'target', type: 'nominal', title: 'target' } as const;
  const x = { type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms)' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle: subtitle.length ? subtitle : undefined, anchor: 'start' },
    data: { values },
    width: 520,
    height: { step: 14 },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: { y, yOffset, color, x: { ...x, field: 'low_ms' }, x2: { field: 'high_ms' } },
      },
      {
        mark: { type: 'point', filled: true, size: 40, tooltip: true },
        encoding: {
          y, yOffset, color,
          x: { ...x, field: 'p50_ms' },
          tooltip: [
            { field: 'target' }, { field: 'query' },
            { field: 'p50_ms', title: 'p50 (ms)', format: '.3f' },
            { field: 'low_ms', title: 'CI low (ms)', format: '.3f' },
            { field: 'high_ms', title: 'CI high (ms)', format: '.3f' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
