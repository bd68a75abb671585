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

/** The migration that added the paired columns (found by content). */
const PAIRED_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('ALTER TABLE comparisons ADD COLUMN paired_ratio'));

const reportOf = async (dir: string) => readFile(join(dir, await readlink(join(dir, 'latest')), 'table.txt'), 'utf8');
const answerOf = (table: string) => table.slice(table.indexOf('The answer'), table.indexOf('\n\n', table.indexOf('The answer')));

describe('comparisons from per-iteration pairs, in a store from before', () => {
  it('an old run keeps its query-by-query wording until it is aggregated again, then is compared from pairs', async () => {
    expect(PAIRED_MIGRATION).toBeGreaterThan(0);
    const p = await tmpProfile({ iterations: 40, warmup: 1, verify_queries: 0 });
    const db = await openStore(p.store);
    await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    await db.close();
    await expectStagesOk(['--config', p.config], [aggregate]);
    await rollBackMigrationsAfter(p.store, PAIRED_MIGRATION);
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'now')], [render]);
    const now = await reportOf(join(p.dir, 'now'));
    expect(answerOf(now)).toContain('The answer (per request, from paired iterations, 95% CIs');
    expect(answerOf(now)).toMatch(/simple queries: pglite-wire is [+−]\d+(\.\d)?% \[.*\] (slower|faster) than pglite \(geometric mean over its 3 queries, paired; /);
    expect(now).toMatch(/paired \(\d+\): /);

    // The same run as the previous pathbench aggregated it: no paired columns.
    const raw = await SqliteDb.open(p.store);
    await rollBackStore(raw, PAIRED_MIGRATION);
    expect((await raw.all<{ name: string }>('PRAGMA table_info(comparisons)')).map((c) => c.name)).not.toContain('paired_ratio');
    expect((await raw.all<{ name: string }>('PRAGMA table_info(gateway_overhead)')).map((c) => c.name)).not.toContain('paired_ms');
    await raw.close();
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'old')], [render]);
    const old = await reportOf(join(p.dir, 'old'));
    expect(answerOf(old)).toContain('The answer (p50 per request, 95% CIs');
    expect(answerOf(old)).toMatch(/simple queries: pglite-wire is [+−]\d+% \[.*\] (slower|faster) than pglite at p50 \(geometric mean over its 3 queries; /);
    expect(old).not.toMatch(/paired \(\d+\): |, paired[;)]|from paired iterations/);

    // Aggregated again: the paired figures are back, the same as before (seeded).
    await expectStagesOk(['--config', p.config], [aggregate]);
    await rollBackMigrationsAfter(p.store, PAIRED_MIGRATION);
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'again')], [render]);
    expect(answerOf(await reportOf(join(p.dir, 'again')))).toBe(answerOf(now));
  });
});
