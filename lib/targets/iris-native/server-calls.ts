import { splitScript } from '../bind.js';
import type { QueryOutcome } from '../interface.js';
import { isoUtcTimestamp } from '../iris-sql/dialect.js';
import { IrisSqlError } from '../iris-sql/errors.js';
import type { Iris } from './sdk.js';
import { SERVER_CLASS } from './server-class.js';

/**
 * The synchronous calls of one iris-native session over one Native SDK connection, as they run
 * inside the session's worker thread (session-worker.ts): each is ONE classMethodValue call — one
 * round trip — into PathBench.SQL (iris/PathBench.SQL.cls). They block their thread until IRIS
 * answers; that is why they never run on the main thread during a measurement.
 */
export interface ServerCalls {
  /** PathBench.SQL.Query: prepare, execute with `params` bound to the ? in order, every row back as JSON. */
  query(sql: string, params?: readonly unknown[]): QueryOutcome;
  /** Each statement of a script, one Query call each (IRIS prepares one statement at a time). */
  exec(script: string): void;
  /** PathBench.SQL.Batch: execute `sql` once per row of `rowsJson` (a JSON array of argument arrays) in one transaction. */
  batch(sql: string, rowsJson: string): void;
}

/** ODBC SQL types of timestamp columns (SQL_TIMESTAMP 11, SQL_TYPE_TIMESTAMP 93). */
const ODBC_TIMESTAMP = new Set([11, 93]);

export interface Reply {
  rows?: unknown[][];
  types?: number[];
  rowCount?: number;
  error?: { sqlcode: number; message: string };
}

/** Parse PathBench.SQL's JSON reply; an SQL error becomes IrisSqlError (a missing table → code 42P01). */
export function parseReply(raw: unknown): Reply {
  let reply: Reply;
  try {
    reply = JSON.parse(String(raw)) as Reply;
  } catch {
    throw new Error(`${SERVER_CLASS} returned something that is not JSON: ${String(raw).slice(0, 200)}`);
  }
  if (reply.error) throw new IrisSqlError(Number(reply.error.sqlcode), String(reply.error.message));
  return reply;
}

/** Rows as the pipeline expects them: timestamps as Date (UTC — the benchmark stores UTC), the rest as IRIS sent it. */
export function toOutcome(reply: Reply): QueryOutcome {
  const rows = reply.rows ?? [];
  const ts = (reply.types ?? []).map((t) => ODBC_TIMESTAMP.has(Number(t)));
  if (ts.some(Boolean)) {
    for (const row of rows) {
      ts.forEach((isTs, i) => {
        const v = row[i];
        if (isTs && typeof v === 'string' && v !== '') row[i] = new Date(`${v.replace(' ', 'T')}Z`);
      });
    }
  }
  // PathBench.SQL sends rowCount (%ROWCOUNT: rows affected) for a statement that is not a query.
  return { rowCount: reply.rowCount ?? rows.length, rows };
}

/** A bound value as the SDK passes it to ObjectScript (strings and numbers; no nulls in this workload). */
export function toIrisArg(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return isoUtcTimestamp(v.getTime());
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) throw new Error('iris-native: NULL parameters are not supported (the SDK treats a null argument as "omitted")');
  return v;
}

export function serverCalls(iris: Iris): ServerCalls {
  const call = (method: string, ...args: unknown[]): Reply => parseReply(iris.classMethodValue(SERVER_CLASS, method, ...args));
  return {
    query: (sql, params = []) => toOutcome(call('Query', sql, ...params.map(toIrisArg))),
    exec(script) {
      for (const statement of splitScript(script)) call('Query', statement);
    },
    batch(sql, rowsJson) {
      call('Batch', sql, rowsJson);
    },
  };
}
