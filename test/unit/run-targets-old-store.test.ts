import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { readRunTargets } from '../../lib/store/run-targets.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as render } from '../../stages/render.js';
import { expectStagesOk } from '../helpers/stages.js';
import { rollBackMigrationsAfter, rollBackStore } from '../helpers/old-store.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/** The migration that added run_targets (found by content: others may be appended after it). */
const INSTANCES_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE run_targets'));

/** Every file a render wrote, by relative path → content. */
async function reportFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length), await readFile(join(e.parentPath, e.name), 'utf8'));
  }
  return out;
}

describe('run_targets in a store from before named instances', () => {
  it('the migration exists and is not the first', () => {
    expect(INSTANCES_MIGRATION).toBeGreaterThan(0);
  });

  it('backfills every old run with name = type, in targets order', async () => {
    const p = await tmpProfile();
    const old = await SqliteDb.open(p.store);
    for (const m of MIGRATIONS.slice(0, INSTANCES_MIGRATION)) await old.exec(m);
    await old.exec(`PRAGMA user_version = ${INSTANCES_MIGRATION}`);
    const insert = (id: string, targets: string) =>
      old.run("INSERT INTO runs (run_id, kind, status, created_at, profile, dataset_id, seed, targets_json, config_json, below_production_scale) VALUES (?, 'measure', 'complete', '2026-01-01T00:00:00Z', 'p', 'd', 1, ?, '{}', 1)", [id, targets]);
    await insert('r1', '["pglite-wire","pglite"]');
    await insert('r2', '[]');
    await old.close();
    const db = await openStore(p.store);
    try {
      expect(await readRunTargets(db, 'r1')).toEqual([{ target: 'pglite-wire', type: 'pglite-wire' }, { target: 'pglite', type: 'pglite' }]);
      expect(await readRunTargets(db, 'r2')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('a run stored before the migration renders byte-identical to the same run rendered with it', async () => {
    const p = await tmpProfile({ iterations: 10, warmup: 1, verify_queries: 0 });
    const db = await openStore(p.store);
    const { runId } = await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    await db.close();
    await expectStagesOk(['--config', p.config], [aggregate]);
    // Only this migration may differ between the two renders: what later ones add is rolled back in both.
    await rollBackMigrationsAfter(p.store, INSTANCES_MIGRATION);
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'now')], [render]);

    // A profile of plain types stores its config as before instances existed.
    const raw = await SqliteDb.open(p.store);
    expect((await raw.all<{ c: string }>('SELECT config_json AS c FROM runs')).every((r) => !('target_types' in JSON.parse(r.c)))).toBe(true);
    // The same run as an older pathbench stored it: no run_targets table.
    // …nor the tables of later migrations (they are re-applied on open).
    await rollBackStore(raw, INSTANCES_MIGRATION);
    await raw.close();
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'old')], [render]);

    const now = await reportFiles(join(p.dir, 'now', await readlink(join(p.dir, 'now', 'latest'))));
    const old = await reportFiles(join(p.dir, 'old', await readlink(join(p.dir, 'old', 'latest'))));
    expect([...old.keys()].sort()).toEqual([...now.keys()].sort());
    expect(now.size).toBeGreaterThan(3);
    for (const [file, text] of now) expect(old.get(file), file).toBe(text);
    expect(now.get('/table.txt')).not.toContain('instances:');
    const check = await openStore(p.store);
    expect(await readRunTargets(check, runId)).toEqual([{ target: 'pglite', type: 'pglite' }, { target: 'pglite-wire', type: 'pglite-wire' }]);
    await check.close();
  });
});
