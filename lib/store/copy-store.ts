import { SqliteDb } from './sqlite.js';

/**
 * A consistent copy of the store `from` (its WAL included) as the new file `to`, with SQLite's
 * VACUUM INTO. `from` is opened without migrating it and only read.
 */
export async function copyStoreInto(from: string, to: string): Promise<void> {
  const db = await SqliteDb.open(from);
  try {
    await db.run('VACUUM INTO ?', [to]);
  } finally {
    await db.close();
  }
}
