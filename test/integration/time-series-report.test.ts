import { access, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as render } from '../../stages/render.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The per-second time series end to end, offline: a synthetic complete run written through the
 * store API (scripts/synthetic-run.ts, as make bench-offline does), then the real aggregate and
 * render stages. The chart must be in the report, as files and in index.html.
 */
describe('time-series chart in a rendered report', () => {
  it('aggregate stores dense 1 s buckets; render draws them as time-series.{vl.json,svg,png} and in index.html', async () => {
    const p = await tmpProfile({ iterations: 40, warmup: 2, verify_queries: 2 });
    const db = await openStore(p.store);
    const { runId, samples } = await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    await db.close();
    expect(samples).toBe(40 * 8 * 2);
    await expectStagesOk(['--config', p.config], [aggregate, render]);

    const check = await openStore(p.store);
    try {
      const perTarget = await check.all<{ target: string; buckets: number; completed: number; first: number; last: number }>(
        `SELECT target, count(*) AS buckets, sum(count) AS completed, min(bucket) AS first, max(bucket) AS last
           FROM time_series WHERE run_id = ? AND scope = 'all' AND width_s = 1 GROUP BY target ORDER BY target`,
        [runId],
      );
      expect(perTarget.map((r) => r.target)).toEqual(['pglite', 'pglite-wire']);
      for (const r of perTarget) {
        expect(r.completed).toBe(40 * 8); // every measured request is in exactly one bucket
        expect([r.first, r.buckets]).toEqual([0, r.last + 1]); // dense from second 0
        expect(r.buckets).toBeGreaterThan(3);
      }
    } finally {
      await check.close();
    }

    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    for (const ext of ['vl.json', 'svg', 'png']) await access(join(dir, 'charts', `time-series.${ext}`));
    const spec = JSON.parse(await readFile(join(dir, 'charts', 'time-series.vl.json'), 'utf8'));
    expect(spec.title.text).toBe('Stability over time: QPS and p99 per second');
    expect(new Set(spec.data.values.map((v: { target: string }) => v.target))).toEqual(new Set(['pglite', 'pglite-wire']));
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('id="chart-time-series"');
    expect(html).toContain('Stability over time: QPS and p99 per second');
  });
});
