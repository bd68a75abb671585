import type { TopLevelSpec } from 'vega-lite';
import type { AggregateRow, SpectrumRow } from '../../store/aggregates.js';
import { latencyDistributionChart } from './latency-distribution.js';
import { latencyPercentilesChart } from './latency-percentiles.js';
import { queryP50CiChart } from './query-p50-ci.js';

/** What the report stage has for one run: everything a chart may draw from. */
export interface ChartInput {
  aggregates: AggregateRow[];
  spectrum: SpectrumRow[];
  runId: string;
  /** The dataset is smaller than production scale; every chart must say so. */
  belowProductionScale: boolean;
  /** Set when the run is not complete (rendered with --partial). */
  partialStatus?: string;
}

export interface ChartDef {
  /** File stem: the chart is written as <stem>.vl.json / .svg / .png. */
  stem: string;
  title: string;
  build: (input: ChartInput) => TopLevelSpec;
}

export const BELOW_SCALE_NOTE = 'below production scale (dataset < 100,000 rows)';

function subtitle(input: ChartInput): string[] {
  return [`run ${input.runId}`, ...(input.partialStatus ? [`PARTIAL RUN (${input.partialStatus}): only the requests measured before it stopped`] : []), ...(input.belowProductionScale ? [BELOW_SCALE_NOTE] : [])];
}

/** Binds the title once so a chart's file, registry entry and heading cannot disagree. */
function chart(stem: string, title: string, draw: (input: ChartInput, opts: { title: string; subtitle: string[] }) => TopLevelSpec): ChartDef {
  return { stem, title, build: (input) => draw(input, { title, subtitle: subtitle(input) }) };
}

export const CHARTS: readonly ChartDef[] = [
  chart('latency-percentiles', 'Latency percentiles by category', (input, opts) => latencyPercentilesChart(input.aggregates, opts)),
  chart('latency-distribution', 'Latency distribution (percentile spectrum)', (input, opts) => latencyDistributionChart(input.spectrum, opts)),
  chart('query-p50-ci', 'p50 per query with 95% confidence interval', (input, opts) => queryP50CiChart(input.aggregates, opts)),
];
