import type { TopLevelSpec } from 'vega-lite';
import type { AggregateRow } from '../../store/aggregates.js';

/**
 * Grouped bars of p50/p95/p99 latency: one facet column per workload category, bars grouped by
 * percentile, one bar per target (colour). Categories get independent y scales because their
 * latencies differ by orders of magnitude (simple lookups vs. vector search); comparisons are
 * meant between targets within a category, never across categories.
 *
 * Contract: reads only level === 'category' rows; a null percentile is left out (no bar) rather
 * than drawn as zero. The percentiles are folded to long form here, so the spec carries plain
 * rows and no Vega-side transforms.
 */

const PERCENTILES = [
  { label: 'p50', field: 'p50_ms' },
  { label: 'p95', field: 'p95_ms' },
  { label: 'p99', field: 'p99_ms' },
] as const;

/** Known categories first, in workload order; unknown ones follow alphabetically. */
const CATEGORY_ORDER = ['simple', 'vector_similarity', 'complex_join'];

export interface PercentileDatum {
  target: string;
  category: string;
  percentile: string;
  latency_ms: number;
}

export function foldPercentiles(rows: readonly AggregateRow[]): PercentileDatum[] {
  const out: PercentileDatum[] = [];
  for (const r of rows) {
    if (r.level !== 'category') continue;
    for (const p of PERCENTILES) {
      const v = r[p.field];
      if (v === null || !Number.isFinite(v)) continue;
      out.push({ target: r.target, category: r.category, percentile: p.label, latency_ms: v });
    }
  }
  return out;
}

export function latencyPercentilesChart(rows: readonly AggregateRow[], opts: { title: string; subtitle?: string[] }): TopLevelSpec {
  const values = foldPercentiles(rows);
  const present = [...new Set(values.map((d) => d.category))];
  const categories = [...CATEGORY_ORDER.filter((c) => present.includes(c)), ...present.filter((c) => !CATEGORY_ORDER.includes(c)).sort()];
  // An empty chart says so, rather than looking like a rendering fault.
  const subtitle = [...(opts.subtitle ?? []), ...(values.length === 0 ? ['no category aggregates for this run'] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle: subtitle.length ? subtitle : undefined, anchor: 'start' },
    data: { values },
    facet: { column: { field: 'category', type: 'nominal', sort: categories, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } } },
    spec: {
      // Sizes belong to the facet cell (a top-level width is silently ignored for facets). Three
      // categories ≈ 680px with axes; more targets make thinner bars, not a wider chart.
      width: 160,
      height: 300,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'percentile', type: 'ordinal', sort: PERCENTILES.map((p) => p.label), title: 'percentile', axis: { labelAngle: 0 } },
        xOffset: { field: 'target', type: 'nominal' },
        y: { field: 'latency_ms', type: 'quantitative', title: 'latency (ms)' },
        color: { field: 'target', type: 'nominal', title: 'target', legend: { orient: 'top', direction: 'horizontal' } },
        tooltip: [
          { field: 'target', type: 'nominal' },
          { field: 'category', type: 'nominal' },
          { field: 'percentile', type: 'ordinal' },
          { field: 'latency_ms', type: 'quantitative', title: 'latency (ms)', format: '.3f' },
        ],
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}
