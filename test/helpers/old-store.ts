import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';

/**
 * Turn a current store back into one from before migration `index` (0-based in MIGRATIONS): drop
 * every table that migration and all later ones create, and set user_version to `index`, so the
 * next open re-applies them as on a store written by the older version. Every later migration is
 * included, so a migration appended after the one under test cannot make such a test fail with
 * "table already exists". A column a migration added to an older table (ALTER TABLE x ADD COLUMN c)
 * is dropped again (SQLite 3.35+), with its values. Other changes of existing tables cannot be
 * undone this way: the helper refuses them — except a rebuild (CREATE TABLE x_new …; copy; DROP
 * TABLE x; ALTER TABLE x_new RENAME TO x, how SQLite widens a CHECK), which re-applies cleanly over
 * the rebuilt table.
 */
export async function rollBackStore(db: SqliteDb, index: number): Promise<void> {
  if (index < 1 || index >= MIGRATIONS.length) throw new RangeError(`rollBackStore: no migration ${index} (there are ${MIGRATIONS.length})`);
  for (let i = MIGRATIONS.length - 1; i >= index; i--) {
    const m = MIGRATIONS[i]!;
    if (/ALTER TABLE (?!\w+_new RENAME TO |\w+ ADD COLUMN )/i.test(m)) throw new Error(`rollBackStore: migration ${i} alters tables; build the old store from MIGRATIONS.slice(0, ${index}) instead`);
    for (const [, table, column] of [...m.matchAll(/ALTER TABLE (\w+) ADD COLUMN (\w+)/g)].reverse()) {
      if (!new RegExp(`CREATE TABLE ${table}\\b`).test(m)) await db.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
    for (const [, table] of [...m.matchAll(/CREATE TABLE (\w+)/g)].reverse()) await db.exec(`DROP TABLE IF EXISTS ${table}`);
  }
  await db.exec(`PRAGMA user_version = ${index}`);
}

/**
 * Roll back, in the store file `store`, every migration after `migration` (rollBackStore), or
 * nothing when it is the last. For a test that compares one run rendered with and without
 * migration X: call it with X before the first render, so that what later migrations add to every
 * run aggregated now (e.g. the comparisons' per-query columns) is absent from both renders and only
 * X differs.
 */
export async function rollBackMigrationsAfter(store: string, migration: number): Promise<void> {
  if (migration + 1 >= MIGRATIONS.length) return;
  const db = await SqliteDb.open(store);
  try {
    await rollBackStore(db, migration + 1);
  } finally {
    await db.close();
  }
}

/** The index of the migration that creates `table`. */
export function migrationCreating(table: string): number {
  const i = MIGRATIONS.findIndex((m) => new RegExp(`CREATE TABLE ${table}\\b`).test(m));
  if (i < 0) throw new Error(`no migration creates ${table}`);
  return i;
}
