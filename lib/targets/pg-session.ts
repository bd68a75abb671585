import pg from 'pg';
import type { QueryOutcome } from './interface.js';

/**
 * node-postgres plumbing shared by every target reached over the PostgreSQL wire protocol.
 * Queries use the extended protocol with unnamed statements (parse/bind/execute per call), the
 * way an application calls `client.query(text, values)`; rows come back in array mode.
 */
export async function connectPg(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config);
  // An idle client whose server goes away emits 'error'; without a listener Node would crash.
  // The next query then rejects and isPgConnectionLoss() classifies it.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/**
 * pg's callback form, settled into one promise of our own: client.query's promise form already
 * chains two promises (its result plus a .catch that rewrites stack traces), and mapping the result
 * with .then() would add a third, each a microtask hop inside the timed region. This way the await
 * in the measure loop resumes one hop after pg calls back (make bench-harness compares it with a
 * bare `await client.query(...)` loop). Errors, including pg's query_timeout, arrive through the
 * same callback.
 */
export function pgQuery(client: pg.Client, sql: string, params: readonly unknown[] = []): Promise<QueryOutcome> {
  return new Promise((resolve, reject) => {
    client.query({ text: sql, values: params as unknown[], rowMode: 'array' }, (err: Error | null, r: pg.QueryResult) => {
      if (err) reject(err);
      else resolve({ rowCount: r.rows.length, rows: r.rows as unknown[][] });
    });
  });
}

/** SQLSTATE classes 08 (connection) and 57P (admin shutdown / crash), or no SQLSTATE at all. */
export function isPgConnectionLoss(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return /^(08|57P)/.test(err.code ?? '') || err.severity === 'FATAL';
  const msg = String((err as Error)?.message ?? err);
  // 'Query read timeout': pg's query_timeout fired; the connection is in an unknown state.
  return /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE|not queryable|Client was closed|socket|Query read timeout/i.test(msg);
}
