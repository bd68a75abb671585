import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCollecting } from '../helpers/compile-collecting.js';
import { BELOW_SCALE_NOTE, CHARTS, type ChartInput } from '../../lib/render/charts/index.js';
import { renderChart, writeChartFiles } from '../../lib/render/export-chart.js';
import { SPECTRUM_QUANTILES } from '../../lib/stats/latency-summary.js';
import type { AggregateRow, SpectrumRow } from '../../lib/store/aggregates.js';

const RUN = 'run-test-0001';
const TARGETS = ['pglite', 'pglite-wire'] as const;
/** Rough in-process PGlite latencies (ms); the wire target adds a socket round trip. */
const BASE: Record<string, { p50: number; p95: number; p99: number }> = {
  simple: { p50: 0.08, p95: 0.16, p99: 0.31 },
  vector_similarity: { p50: 4.2, p95: 6.1, p99: 9.4 },
  complex_join: { p50: 1.3, p95: 2.2, p99: 3.8 },
};
const WIRE_MS = 0.12;

/** Axis titles each chart must show (the query chart's other axis lists the queries). */
const AXIS_TITLES: Record<string, string[]> = {
  'latency-percentiles': ['latency (ms)', 'percentile'],
  'latency-distribution': ['latency (ms)', 'percentile'],
  'query-p50-ci': ['latency (ms)'],
};

function aggRow(target: string, level: AggregateRow['level'], key: string, category: string, p: { p50: number; p95: number; p99: number }): AggregateRow {
  return {
    run_id: RUN, target, level, key, category, count: 200, failed: 0,
    mean_ms: p.p50 * 1.1, p50_ms: p.p50, p95_ms: p.p95, p99_ms: p.p99, min_ms: p.p50 * 0.7, max_ms: p.p99 * 1.5,
    qps: 1000 / (p.p50 * 1.1), qps_wall: 900 / (p.p50 * 1.1),
    p50_low: p.p50 * 0.9, p50_high: p.p50 * 1.1,
  };
}

function fixtures(): ChartInput {
  const aggregates: AggregateRow[] = [];
  const spectrum: SpectrumRow[] = [];
  for (const target of TARGETS) {
    const add = target === 'pglite-wire' ? WIRE_MS : 0;
    for (const [category, b] of Object.entries(BASE)) {
      const p = { p50: b.p50 + add, p95: b.p95 + add, p99: b.p99 + add };
      aggregates.push(aggRow(target, 'category', category, category, p));
      // Query and overall rows must not leak into the category chart.
      aggregates.push(aggRow(target, 'query', `${category}_q1`, category, { p50: 999, p95: 999, p99: 999 }));
    }
    aggregates.push(aggRow(target, 'overall', 'all', 'all', { p50: 777, p95: 777, p99: 777 }));
    // A long-tailed spectrum: slow growth through the body, sharp rise in the last nines.
    for (const q of SPECTRUM_QUANTILES) {
      spectrum.push({ run_id: RUN, target, quantile: q, latency_ms: 0.05 * (1 + 2 * q + 40 * q ** 30) + add });
    }
  }
  return { aggregates, spectrum, runId: RUN, belowProductionScale: true };
}


const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// PATHBENCH_CHART_DIR keeps the rendered files for a visual check; otherwise a temp dir is used and removed.
const keepDir = process.env.PATHBENCH_CHART_DIR;
const outDir = keepDir ?? (await mkdtemp(join(tmpdir(), 'pathbench-charts-')));
afterAll(async () => {
  if (!keepDir) await rm(outDir, { recursive: true, force: true });
});

describe('charts', () => {
  it('registry has unique stems', () => {
    expect(new Set(CHARTS.map((c) => c.stem)).size).toBe(CHARTS.length);
  });

  for (const chart of CHARTS) {
    describe(chart.stem, () => {
      const spec = chart.build(fixtures());

      it('compiles without warnings or errors', () => {
        expect(compileCollecting(spec)).toEqual({ warnings: [], errors: [] });
      });

      it('renders an SVG with marks per target, axis titles and the scale note', async () => {
        const { svg } = await renderChart(spec);
        expect(svg.startsWith('<svg'), 'svg root').toBe(true);
        for (const target of TARGETS) {
          // Vega labels each mark with its encoded fields (aria-label "target: …; …").
          const marks = svg.match(new RegExp(`<(path|rect)[^>]*aria-label="[^"]*target: ${target}[;"]`, 'g')) ?? [];
          expect(marks.length, target).toBeGreaterThan(0);
        }
        // Booleans, so a failure does not print the whole SVG. Text in SVG is XML-escaped.
        for (const title of AXIS_TITLES[chart.stem] ?? ['latency (ms)']) expect(svg.includes(`>${title}</text>`), `axis title "${title}"`).toBe(true);
        expect(svg.includes(BELOW_SCALE_NOTE.replace('<', '&lt;')), 'scale note').toBe(true);
      });

      it('writes .vl.json, .svg and a plausible .png', async () => {
        const paths = await writeChartFiles(outDir, chart.stem, spec);
        expect(paths.map((p) => p.slice(outDir.length + 1))).toEqual([`${chart.stem}.vl.json`, `${chart.stem}.svg`, `${chart.stem}.png`]);
        const png = await readFile(paths[2]!);
        expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect((await stat(paths[2]!)).size).toBeGreaterThan(5 * 1024);
        expect(JSON.parse(await readFile(paths[0]!, 'utf8')).data.values.length).toBeGreaterThan(0);
      });

      it('handles empty input: spec compiles and renders', async () => {
        const empty = chart.build({ aggregates: [], spectrum: [], runId: RUN, belowProductionScale: false });
        expect(compileCollecting(empty).errors).toEqual([]);
        const { svg } = await renderChart(empty);
        expect(svg.startsWith('<svg'), 'svg root').toBe(true);
        expect(svg.includes('below production scale'), 'no scale note').toBe(false);
      });
    });
  }

  it('percentile chart uses category rows only', () => {
    const spec = CHARTS.find((c) => c.stem === 'latency-percentiles')!.build(fixtures());
    const values = (spec.data as { values: { latency_ms: number }[] }).values;
    expect(values).toHaveLength(TARGETS.length * Object.keys(BASE).length * 3);
    expect(values.every((v) => v.latency_ms < 100)).toBe(true);
  });

  it('distribution chart drops q = 1 (no place on the nines axis)', () => {
    const spec = CHARTS.find((c) => c.stem === 'latency-distribution')!.build(fixtures());
    const values = (spec.data as { values: { quantile: number }[] }).values;
    expect(values).toHaveLength(TARGETS.length * (SPECTRUM_QUANTILES.length - 1));
    expect(values.some((v) => v.quantile === 1)).toBe(false);
  });
});
