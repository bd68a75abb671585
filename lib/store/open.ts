import { PathbenchError } from '../errors.js';
import { MIGRATIONS } from './schema.js';
import { SqliteDb } from './sqlite.js';

/** Open (creating if needed) the store and bring its schema up to date. */
export async function openStore(file: string): Promise<SqliteDb> {
  let db: SqliteDb;
  try {
    db = await SqliteDb.open(file);
  } catch (err) {
    throw new PathbenchError(`cannot open the store "${file}": ${(err as Error).message}; check the path (--store) and its permissions`);
  }
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  const version = row?.user_version ?? 0;
  if (version > MIGRATIONS.length) {
    await db.close();
    throw new PathbenchError(
      `the store "${file}" has schema version ${version}, newer than this pathbench (${MIGRATIONS.length}); update pathbench or use another --store`,
    );
  }
  if (version < MIGRATIONS.length) {
    // Some migrations rebuild tables that others reference; foreign keys are checked once at the end.
    await db.exec('PRAGMA foreign_keys = OFF');
    for (let v = version; v < MIGRATIONS.length; v++) {
      await db.transaction(async () => {
        await db.exec(MIGRATIONS[v]!);
        await db.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
    const broken = await db.all('PRAGMA foreign_key_check');
    await db.exec('PRAGMA foreign_keys = ON');
    if (broken.length) throw new PathbenchError(`the store "${file}" failed its foreign-key check after migrating (${broken.length} rows); restore a backup or use another --store`);
  }
  return db;
}

export const nowIso = (): string => new Date().toISOString();
