import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PathbenchError } from '../../lib/errors.js';
import { openStore } from '../../lib/store/open.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';

/** Issue 8, store safety: the schema version is recorded and checked — old stores migrate, newer ones are refused. */
describe('store schema version', () => {
  const tmpStore = async () => join(await mkdtemp(join(tmpdir(), 'pb-store-')), 'bench.sqlite');

  it('a new store gets every migration and records the version', async () => {
    const db = await openStore(await tmpStore());
    try {
      expect((await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version).toBe(MIGRATIONS.length);
    } finally {
      await db.close();
    }
  });

  it('an old store (first schema version, with a run in it) is migrated on open and keeps its rows', async () => {
    const file = await tmpStore();
    const old = await SqliteDb.open(file);
    await old.exec(MIGRATIONS[0]!);
    await old.exec('PRAGMA user_version = 1');
    await old.run(
      "INSERT INTO runs (run_id, kind, status, created_at, profile, dataset_id, seed, targets_json, config_json, below_production_scale) VALUES ('r1', 'measure', 'complete', '2026-01-01T00:00:00Z', 'p', 'd', 1, '[]', '{}', 1)",
    );
    await old.close();
    const db = await openStore(file);
    try {
      expect((await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version).toBe(MIGRATIONS.length);
      expect(await db.all('SELECT run_id, status FROM runs')).toEqual([{ run_id: 'r1', status: 'complete' }]);
      expect(await db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await db.close();
    }
  });

  it('a store newer than this pathbench is refused with a message saying what to do, and left untouched', async () => {
    const file = await tmpStore();
    const db = await openStore(file);
    await db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    await db.close();
    const err = await openStore(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PathbenchError);
    expect((err as Error).message).toMatch(new RegExp(`schema version ${MIGRATIONS.length + 1}, newer than this pathbench \\(${MIGRATIONS.length}\\); update pathbench or use another --store`));
    const raw = await SqliteDb.open(file);
    try {
      expect((await raw.get<{ user_version: number }>('PRAGMA user_version'))?.user_version).toBe(MIGRATIONS.length + 1);
    } finally {
      await raw.close();
    }
  });
});
