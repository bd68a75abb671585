import { describe, expect, it } from 'vitest';
import { compileCollecting } from '../helpers/compile-collecting.js';
import { NOT_TUNABLE_LABEL, RECALL_QPS_TITLE, recallQpsChart } from '../../lib/render/charts/recall-qps.js';
import { renderChart } from '../../lib/render/export-chart.js';
import type { EfSearchPointRow } from '../../lib/store/ef-search.js';

const point = (target: string, query_id: string, ef: number | null, recall: number | null, qps: number | null, onFrontier: boolean): EfSearchPointRow => ({
  run_id: 'run-1', target, query_id, ef_search: ef, ef_tunable: ef === null ? 0 : 1, requests: 100, failed: 0, recall_n: 100,
  recall_mean: recall, recall_min: recall === null ? null : recall / 2, p50_ms: 2, p99_ms: 5, qps, on_frontier: onFrontier ? 1 : 0,
});

function fixtures(): EfSearchPointRow[] {
  return [
    ...(['vector_cosine', 'vector_filter'] as const).flatMap((q) => [
      point('postgres', q, 10, 0.4, 900, true), point('postgres', q, 40, 0.7, 950, true), point('postgres', q, 160, 0.95, 300, true), point('postgres', q, 320, 0.94, 150, false),
      point('pglite', q, 10, 0.4, 80, true), point('pglite', q, 160, 0.96, 20, true),
    ]),
    point('iris-native', 'vector_cosine', null, 0.99, 60, true),
    point('pglite', 'vector_cosine', 20, null, null, false), // every request failed: cannot be placed
  ];
}


describe('recall–QPS chart', () => {
  const spec = recallQpsChart(fixtures(), { title: RECALL_QPS_TITLE, subtitle: ['run run-1'], k: 5 });

  it('compiles without warnings or errors', () => {
    expect(compileCollecting(spec)).toEqual({ warnings: [], errors: [] });
  });

  it('places every point with recall and QPS, labelled by ef (the default one as not tunable)', () => {
    const values = (spec as { data: { values: { ef: string; point: string }[] } }).data.values;
    expect(values).toHaveLength(13);
    expect(values.filter((v) => v.ef === NOT_TUNABLE_LABEL)).toHaveLength(1);
    expect(values.filter((v) => v.point === 'dominated')).toHaveLength(2);
  });

  it('renders an SVG with points and frontier lines per target, log QPS axis and ef labels', async () => {
    const { svg } = await renderChart(spec);
    for (const target of ['postgres', 'pglite', 'iris-native']) {
      expect(new RegExp(`aria-label="[^"]*target: ${target}[;"]`).test(svg), target).toBe(true);
    }
    expect(svg.includes('>mean recall@5</text>'), 'x axis title').toBe(true);
    expect(svg.includes('>QPS (one client, wall clock)</text>'), 'y axis title').toBe(true);
    expect(svg.includes(`>${NOT_TUNABLE_LABEL}</text>`), 'not-tunable label').toBe(true);
    expect(svg.includes('>320</text>'), 'ef label').toBe(true);
    expect(svg.includes('>vector_filter</text>'), 'one panel per query').toBe(true);
  });

  it('handles empty input', async () => {
    const empty = recallQpsChart([], { title: RECALL_QPS_TITLE, k: 5 });
    expect(compileCollecting(empty).errors).toEqual([]);
    expect((await renderChart(empty)).svg.startsWith('<svg')).toBe(true);
  });
});
