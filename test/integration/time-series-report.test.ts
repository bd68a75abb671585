import { access, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { readSampleColumns } from '../../lib/store/sample-columns.js';
import { readTimeSeries } from '../../lib/store/time-series.js';
import { timeSeries } from '../../lib/stats/time-series.js';
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
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
      const rows = (await readTimeSeries(check, runId, 1)).filter((r) => r.scope === 'all');
      expect([...new Set(rows.map((r) => r.target))]).toEqual(['pglite', 'pglite-wire']);
      for (const target of ['pglite', 'pglite-wire']) {
        const mine = rows.filter((r) => r.target === target);
        expect(mine.reduce((s, r) => s + r.count, 0)).toBe(40 * 8); // every measured request is in exactly one bucket
        expect(mine.map((r) => r.bucket)).toEqual(mine.map((_, i) => i)); // dense from second 0
        expect(mine.length).toBeGreaterThan(3);
      }
      // The stored buckets are what timeSeries() computes from the raw samples.
      const cols = await readSampleColumns(check, runId, 'measure');
      expect(await readTimeSeries(check, runId, 1)).toEqual(timeSeries(runId, cols, 1).sort((a, b) => cmp(a.target, b.target) || cmp(a.scope, b.scope) || a.bucket - b.bucket));
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
