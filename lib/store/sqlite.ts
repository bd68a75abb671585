import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sqlite3 from '@vscode/sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;

/** A connection with the store's busy timeout (10 s: concurrent stages wait for each other). */
async function connect(file: string, mode: number): Promise<sqlite3.Database> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d: sqlite3.Database = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(d)));
  });
  db.configure('busyTimeout', 10_000);
  return db;
}

export interface PreparedStatement {
  /** The first row for these parameters (undefined when none). */
  get<T>(params?: readonly SqlValue[]): Promise<T | undefined>;
  finalize(): Promise<void>;
}

/**
 * A small promise wrapper over @vscode/sqlite3. The only module that talks to the driver;
 * lib/store/* holds the only SQL for the store.
 */
export class SqliteDb {
  private constructor(
    private readonly db: sqlite3.Database,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<SqliteDb> {
    if (file !== ':memory:') await mkdir(dirname(file), { recursive: true });
    const s = new SqliteDb(await connect(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE | sqlite3.OPEN_FULLMUTEX), file);
    await s.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
    return s;
  }

  /**
   * Another connection to the same file, read-only, for reading in parallel (SQLite runs each
   * connection's statements on its own libuv pool thread); null for an in-memory database,
   * which no second connection can see. Close it when done.
   */
  async openReader(): Promise<SqliteDb | null> {
    if (this.file === ':memory:' || this.file === '') return null;
    return new SqliteDb(await connect(this.file, sqlite3.OPEN_READONLY), this.file);
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<{ lastID: number; changes: number }> {
    return new Promise((resolve, reject) =>
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /**
   * A statement prepared once and run many times. Unlike `get`, whose statement is prepared on
   * the libuv pool and only then — in a callback that needs this thread free — sent to execute,
   * `get` on a prepared statement starts executing on the pool at once: a reader can have SQLite
   * scan the next page while it parses the current one. Call `finalize` when done.
   */
  async prepare(sql: string): Promise<PreparedStatement> {
    const stmt = await new Promise<sqlite3.Statement>((resolve, reject) => {
      const st: sqlite3.Statement = this.db.prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(st)));
    });
    return {
      get: <T>(params: readonly SqlValue[] = []) => new Promise<T | undefined>((resolve, reject) => stmt.get(params, (err: Error | null, row: unknown) => (err ? reject(err) : resolve(row as T | undefined)))),
      finalize: () => new Promise<void>((resolve) => stmt.finalize(() => resolve())),
    };
  }

  /** Run `fn` inside BEGIN IMMEDIATE … COMMIT; rolls back on error. Not re-entrant. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.exec('BEGIN IMMEDIATE');
    try {
      const r = await fn();
      await this.exec('COMMIT');
      return r;
    } catch (err) {
      await this.exec('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /**
   * Insert many rows with multi-row INSERT statements inside one transaction. One statement
   * per row is ~20× slower with this driver, so rows are packed up to SQLite's variable limit.
   */
  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[], inTransaction = true): Promise<void> {
    if (rows.length === 0) return;
    const perStmt = Math.max(1, Math.floor(32_000 / columns.length));
    const write = async () => {
      for (let i = 0; i < rows.length; i += perStmt) {
        const chunk = rows.slice(i, i + perStmt);
        const tuple = `(${columns.map(() => '?').join(',')})`;
        const sql = `INSERT INTO ${table} (${columns.join(',')}) VALUES ${chunk.map(() => tuple).join(',')}`;
        await this.run(sql, chunk.flat());
      }
    };
    if (inTransaction) await this.transaction(write);
    else await write();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.db.close(() => resolve()));
  }
}
