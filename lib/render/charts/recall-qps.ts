import type { TopLevelSpec } from 'vega-lite';
import type { EfSearchPointRow } from '../../store/ef-search.js';
import { knownNotVectorIndex } from '../../targets/plan-access.js';

export const RECALL_QPS_TITLE = 'ef_search sweep: recall against throughput (Pareto frontier per target)';
export const NOT_TUNABLE_LABEL = 'default (not tunable)';
/** Legend label of a point whose plan used no vector index. */
export const EXACT_SCAN_LABEL = 'exact scan (no index)';

/**
 * Recall–QPS curves of the ef_search sweep, one panel per swept query: mean recall@k (x) against
 * QPS (y, log scale), one colour per target. Every point is labelled with its ef_search; the
 * target's Pareto frontier is drawn as a line through its frontier points in recall order, and
 * points off the frontier (dominated) are drawn as crosses. A point whose captured plan shows no
 * vector index (an exact scan + sort) is drawn as a square labelled "exact scan (no index)"
 * and named in a subtitle note: it is not on the frontier (lib/stats/pareto.ts). A target that cannot set ef_search
 * has one point, labelled "default (not tunable)". Points without recall or QPS (every request
 * failed) cannot be placed and are left out.
 */
export function recallQpsChart(points: readonly EfSearchPointRow[], opts: { title: string; subtitle?: string[]; k: number }): TopLevelSpec {
  const values = points
    .filter((p) => p.recall_mean !== null && p.qps !== null && p.qps > 0)
    .map((p) => ({
      target: p.target,
      query: p.query_id,
      ef: p.ef_search === null ? NOT_TUNABLE_LABEL : String(p.ef_search),
      recall: p.recall_mean,
      qps: p.qps,
      p99_ms: p.p99_ms,
      point: knownNotVectorIndex(p) ? EXACT_SCAN_LABEL : p.on_frontier ? 'on frontier' : 'dominated',
      plan: p.access ?? 'n/a',
      frontier: p.on_frontier,
    }));
  const exact = values.filter((v) => v.point === EXACT_SCAN_LABEL);
  const note = exact.length
    ? [`Squares: ${exact.length} point(s) served by an exact scan, not the HNSW index (ef_search ${[...new Set(exact.map((v) => v.ef))].join(', ')}); left off the frontier.`]
    : [];
  const subtitle = [...(opts.subtitle ?? []), ...note];
  const x = { field: 'recall', type: 'quantitative', title: `mean recall@${opts.k}`, scale: { zero: false, domainMax: 1 } } as const;
  const y = { field: 'qps', type: 'quantitative', title: 'QPS (one client, wall clock)', scale: { type: 'log' } } as const;
  const color = { field: 'target', type: 'nominal', title: 'target' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle: subtitle.length ? subtitle : undefined, anchor: 'start' },
    data: { values },
    facet: { column: { field: 'query', type: 'nominal', title: null } },
    spec: {
      width: 320,
      height: 260,
      layer: [
        { transform: [{ filter: 'datum.frontier === 1' }], mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, order: { field: 'recall', type: 'quantitative' } } },
        {
          mark: { type: 'point', filled: true, size: 60, tooltip: true },
          encoding: {
            x, y, color,
            shape: { field: 'point', type: 'nominal', title: 'point', legend: { labelLimit: 240 }, scale: { domain: ['on frontier', 'dominated', EXACT_SCAN_LABEL], range: ['circle', 'cross', 'square'] } },
            tooltip: [
              { field: 'target', type: 'nominal' }, { field: 'query', type: 'nominal' }, { field: 'ef', type: 'nominal', title: 'ef_search' },
              { field: 'recall', type: 'quantitative', format: '.3f' }, { field: 'qps', type: 'quantitative', format: '.1f', title: 'QPS' },
              { field: 'p99_ms', type: 'quantitative', format: '.3f', title: 'p99 (ms)' }, { field: 'point', type: 'nominal' }, { field: 'plan', type: 'nominal' },
            ],
          },
        },
        { mark: { type: 'text', align: 'left', dx: 6, dy: -7, fontSize: 9 }, encoding: { x, y, color, text: { field: 'ef', type: 'nominal' } } },
      ],
    },
  } as TopLevelSpec;
}
