import { readFile, readlink, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { openStore } from '../../lib/store/open.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/** The closed-loop concurrency sweep on the embedded targets (real PGlite, real pg sessions). */
describe('concurrency sweep', () => {
  it('runs every level with its own sessions, stores every sample, and reports the knee', async () => {
    const p = await tmpProfile({ iterations: 3, warmup: 1, verify_queries: 0, concurrency: [1, 4], sweep_requests: 6 });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup, measure, aggregate, render]);
    const db = await openStore(p.store);
    try {
      const levels = await db.all<{ target: string; concurrency: number; n: number }>(
        'SELECT target, concurrency, count(*) AS n FROM sweep_samples GROUP BY target, concurrency ORDER BY target, concurrency',
      );
      // every client of every level ran all its requests: C × 6 samples
      expect(levels).toEqual([
        { target: 'pglite', concurrency: 1, n: 6 },
        { target: 'pglite', concurrency: 4, n: 24 },
        { target: 'pglite-wire', concurrency: 1, n: 6 },
        { target: 'pglite-wire', concurrency: 4, n: 24 },
      ]);
      const clients = await db.all<{ c: number }>("SELECT count(DISTINCT client) AS c FROM sweep_samples WHERE concurrency = 4 AND target = 'pglite-wire'");
      expect(clients).toEqual([{ c: 4 }]);
      const bad = await db.get<{ n: number }>('SELECT count(*) AS n FROM sweep_samples WHERE ok = 0');
      expect(bad?.n).toBe(0);
    } finally {
      await db.close();
    }
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/Concurrency sweep \(closed loop/);
    expect(table).toMatch(/pglite-wire \|\s+4 \|.*queued behind one session/);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(results.concurrency_sweep.filter((r: { scope: string }) => r.scope === 'all')).toHaveLength(4);
    expect(await readdir(join(dir, 'charts'))).toContain('concurrency-sweep.png');
  });
});
