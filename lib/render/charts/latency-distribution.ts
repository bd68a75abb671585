import type { TopLevelSpec } from 'vega-lite';
import type { SpectrumRow } from '../../store/aggregates.js';

/**
 * Percentile spectrum in HdrHistogram style: latency against percentile on a "nines" axis, so the
 * tail (99%, 99.9%) gets as much room as the body. x = 1/(1-q) on a log scale: q=0 → 1 (0%),
 * 0.9 → 10 (90%), 0.99 → 100 (99%), 0.999 → 1000 (99.9%).
 *
 * Contract: q = 1 (the maximum) has no finite position on this axis and is dropped; the maximum
 * stays available as max_ms in the aggregates. Latencies <= 0 are dropped too, because y is a log
 * scale (a 0 ms reading only happens with a coarse clock and would be meaningless there).
 */

export interface SpectrumDatum {
  target: string;
  quantile: number;
  /** 1/(1-quantile): the position on the nines axis. */
  nines: number;
  /** Human form of the quantile for tooltips, e.g. "99.9%". */
  percentile: string;
  latency_ms: number;
  /** Accessible label of the point (SVG aria-label); Vega-Lite's default would show raw nines values. */
  description: string;
}

/** Percent label for a quantile, with only the digits it needs (0.995 → "99.5%"). */
export function percentLabel(q: number): string {
  return `${Number((q * 100).toFixed(4))}%`;
}

export function spectrumPoints(rows: readonly SpectrumRow[]): SpectrumDatum[] {
  return rows
    .filter((r) => r.quantile >= 0 && r.quantile < 1 && Number.isFinite(r.latency_ms) && r.latency_ms > 0)
    .map((r) => {
      const percentile = percentLabel(r.quantile);
      const description = `target: ${r.target}; percentile: ${percentile}; latency (ms): ${r.latency_ms.toFixed(3)}`;
      return { target: r.target, quantile: r.quantile, nines: 1 / (1 - r.quantile), percentile, latency_ms: r.latency_ms, description };
    });
}

export function latencyDistributionChart(rows: readonly SpectrumRow[], opts: { title: string; subtitle?: string[] }): TopLevelSpec {
  const values = spectrumPoints(rows);
  // The axis always ends on a whole nine (at least 99.9%), so every tick is a labelled one.
  const maxNines = Math.max(1000, ...values.map((d) => d.nines));
  const decades = Math.ceil(Math.log10(maxNines) - 1e-9);
  const ticks = Array.from({ length: decades + 1 }, (_, i) => 10 ** i);
  // An empty chart says so, rather than looking like a rendering fault.
  const subtitle = [...(opts.subtitle ?? []), ...(values.length === 0 ? ['no latency spectrum for this run'] : [])];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title, subtitle: subtitle.length ? subtitle : undefined, anchor: 'start' },
    data: { values },
    width: 600,
    height: 300,
    // Straight segments: the spectrum is known only at the stored quantiles, a smooth curve would invent values.
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: {
        field: 'nines',
        type: 'quantitative',
        title: 'percentile',
        scale: { type: 'log', domain: [1, ticks[ticks.length - 1] ?? 1000] },
        // Tick v sits at q = 1 - 1/v; '~' trims float noise (99.9000001 → 99.9).
        axis: { values: ticks, labelExpr: "datum.value <= 1 ? '0%' : format(100 * (1 - 1 / datum.value), '.4~f') + '%'", grid: true },
      },
      y: { field: 'latency_ms', type: 'quantitative', title: 'latency (ms)', scale: { type: 'log' } },
      color: { field: 'target', type: 'nominal', title: 'target', legend: { orient: 'top', direction: 'horizontal' } },
      description: { field: 'description', type: 'nominal' },
      tooltip: [
        { field: 'target', type: 'nominal' },
        { field: 'percentile', type: 'nominal' },
        { field: 'latency_ms', type: 'quantitative', title: 'latency (ms)', format: '.3f' },
      ],
    },
  };
}
