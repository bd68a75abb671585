import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as render } from '../../stages/render.js';
import { expectStagesOk } from '../helpers/stages.js';
import { rollBackMigrationsAfter, rollBackStore } from '../helpers/old-store.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/** The migration that added the comparisons' per-query columns (found by content). */
const BY_QUERY_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('ALTER TABLE comparisons ADD COLUMN geomean_ratio'));

const answerOf = async (dir: string) => {
  const table = await readFile(join(dir, await readlink(join(dir, 'latest')), 'table.txt'), 'utf8');
  return table.slice(table.indexOf('The answer'), table.indexOf('\n\n', table.indexOf('The answer')));
};

describe('comparisons compared query by query, in a store from before', () => {
  it('an old run keeps the pooled wording until it is aggregated again, then says how each scope was compared', async () => {
    expect(BY_QUERY_MIGRATION).toBeGreaterThan(0);
    const p = await tmpProfile({ iterations: 10, warmup: 1, verify_queries: 0 });
    const db = await openStore(p.store);
    await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    await db.close();
    await expectStagesOk(['--config', p.config], [aggregate]);
    await rollBackMigrationsAfter(p.store, BY_QUERY_MIGRATION);
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'now')], [render]);
    const now = await answerOf(join(p.dir, 'now'));
    expect(now).toMatch(/simple queries: pglite-wire is [+−]\d+% \[.*\] (slower|faster) than pglite at p50 \(geometric mean over its 3 queries; /);

    // The same run as an older pathbench aggregated it: no per-query columns (added back empty on open).
    const raw = await SqliteDb.open(p.store);
    await rollBackStore(raw, BY_QUERY_MIGRATION);
    expect((await raw.all<{ name: string }>('PRAGMA table_info(comparisons)')).map((c) => c.name)).not.toContain('geomean_ratio');
    await raw.close();
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'old')], [render]);
    const old = await answerOf(join(p.dir, 'old'));
    expect(old).toMatch(/simple queries: pglite-wire is \d+\.\d{3} ms \[.*\] (slower|faster) than pglite per query \([+−]\d+% /);
    expect(old).not.toContain('geometric mean');

    // Aggregated again: the per-query figures are back, the same as before (seeded); later
    // migrations' columns rolled back again, as for the first render.
    await expectStagesOk(['--config', p.config], [aggregate]);
    await rollBackMigrationsAfter(p.store, BY_QUERY_MIGRATION);
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'again')], [render]);
    expect(await answerOf(join(p.dir, 'again'))).toBe(now);
  });
});
