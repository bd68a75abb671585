import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { readRunShards } from '../../lib/store/run-shards.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as render } from '../../stages/render.js';
import { expectStagesOk } from '../helpers/stages.js';
import { rollBackMigrationsAfter, rollBackStore } from '../helpers/old-store.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/** The migration that added run_shards (found by content: others may be appended after it). */
const SHARDS_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE run_shards'));

async function reportFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length), await readFile(join(e.parentPath, e.name), 'utf8'));
  }
  return out;
}

describe('run_shards in a store from before shards', () => {
  it('a run stored before the migration renders byte-identical to the same run rendered with it, with no shard lines', async () => {
    expect(SHARDS_MIGRATION).toBeGreaterThan(0);
    const p = await tmpProfile({ iterations: 10, warmup: 1, verify_queries: 0 });
    const db = await openStore(p.store);
    const { runId } = await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    await db.close();
    await expectStagesOk(['--config', p.config], [aggregate]);
    // Only this migration may differ between the two renders: what later ones add is rolled back in both.
    await rollBackMigrationsAfter(p.store, SHARDS_MIGRATION);
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'now')], [render]);
    // The same run as an older pathbench stored it: no run_shards table (re-created empty on open).
    const raw = await SqliteDb.open(p.store);
    await rollBackStore(raw, SHARDS_MIGRATION);
    await raw.close();
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'old')], [render]);
    const now = await reportFiles(join(p.dir, 'now', await readlink(join(p.dir, 'now', 'latest'))));
    const old = await reportFiles(join(p.dir, 'old', await readlink(join(p.dir, 'old', 'latest'))));
    expect([...old.keys()].sort()).toEqual([...now.keys()].sort());
    for (const [file, text] of now) expect(old.get(file), file).toBe(text);
    expect(now.get('/table.txt')).not.toContain('shards:');
    expect(now.get('/results.json')).not.toContain('"shards"');
    const check = await openStore(p.store);
    expect(await readRunShards(check, runId)).toEqual([]);
    await check.close();
  });
});
