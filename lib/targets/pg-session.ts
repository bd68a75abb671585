import pg from 'pg';
import type { QueryOutcome } from './interface.js';
import { statementName, type QueryMode } from './query-mode.js';

/**
 * node-postgres plumbing shared by every target reached over the PostgreSQL wire protocol.
 * Queries use the statement protocol of the target's `query_mode` (pgQuery); rows come back in
 * array mode, with timestamps as text (TIMESTAMPS_AS_TEXT: connectPg sets the client's `types`).
 */
export async function connectPg(config: pg.ClientConfig, watch?: StatementWatch): Promise<pg.Client> {
  const client = new pg.Client({ ...config, types: TIMESTAMPS_AS_TEXT });
  // An idle client whose server goes away emits 'error'; without a listener Node would crash.
  // The next query then rejects and isPgConnectionLoss() classifies it.
  client.on('error', () => {});
  await client.connect();
  if (watch && watch.statementTimeoutMs > 0) watchStatements(client, watch.statementTimeoutMs);
  return client;
}

/** PostgreSQL type OIDs (pg_type.dat): timestamp without time zone, timestamp with time zone. */
const TIMESTAMP_OIDS = [1114, 1184] as const;

/**
 * The type parsers of every pathbench pg client (this client's, not pg-types' global table):
 * node-postgres's own, except that timestamps stay the text the server sent. pg-types would turn
 * each into a Date with parseDate inside the measured request (the join's created_at: 4.9 µs of
 * ~200 µs per request in a CPU profile of make profile-peers, prepared join); nothing the measure
 * loop does needs a Date. The verification pass hashes the text as the same instant as a Date
 * (lib/verify/result-hash.ts), untimed; text without an offset (the gateway's IRIS TIMESTAMP) is UTC there.
 */
const TIMESTAMPS_AS_TEXT = new pg.TypeOverrides();
for (const oid of TIMESTAMP_OIDS) TIMESTAMPS_AS_TEXT.setTypeParser(oid, 'text', (v: string) => v);

/** Bound on any one statement of a connection (0 = none): see watchStatements(). */
export interface StatementWatch {
  statementTimeoutMs: number;
}

/** Clients the watchdog closed, with the bound they exceeded (their pending query's error is rewritten). */
const stalledClients = new WeakMap<pg.Client, number>();
const WATCH_TICKS = 4;

/**
 * A stalled-statement watchdog for one connection, instead of pg's `query_timeout`: that option
 * arms and clears a timer inside every query, i.e. inside the timed region (make bench-harness
 * measured +6–8% on the p50 of SELECT 1 on a loaded 2-core machine). Here one unref'd interval
 * per connection looks at pg's in-flight query every timeout/4; when the same query is still in
 * flight on 4 further ticks it has run at least `timeoutMs` (and at most 1.25 × that), and the
 * connection is closed (client.end() destroys the socket when a query is active), so the query
 * rejects and isPgConnectionLoss() aborts the run. The query path itself does no extra work.
 * Covers every statement of the connection (queries, DDL such as the HNSW build, COPY).
 * `activeQuery` is pg.Client's own field (pg 8); if a pg version lacked it, fall back to query_timeout.
 */
function watchStatements(client: pg.Client, timeoutMs: number): void {
  if (!('activeQuery' in client)) {
    (client as unknown as { connectionParameters: { query_timeout?: number } }).connectionParameters.query_timeout = timeoutMs;
    return;
  }
  let seen: unknown = null;
  let ticks = 0;
  const timer = setInterval(() => {
    const active = (client as unknown as { activeQuery: unknown }).activeQuery ?? null;
    if (active !== null && active === seen) {
      if (++ticks < WATCH_TICKS) return;
      clearInterval(timer);
      stalledClients.set(client, timeoutMs);
      client.end().catch(() => {});
    } else {
      seen = active;
      ticks = 0;
    }
  }, timeoutMs / WATCH_TICKS);
  timer.unref();
  client.once('end', () => clearInterval(timer));
}

/** The error a query gets when the watchdog closed its connection: says what happened and why. */
function stalledError(client: pg.Client, err: Error): Error {
  const ms = stalledClients.get(client);
  if (ms === undefined) return err;
  return new Error(`no answer from the server for ${ms / 1000} s (statement_timeout_s): connection closed as stalled`, { cause: err });
}

/**
 * pg's callback form, settled into one promise of our own: client.query's promise form already
 * chains two promises (its result plus a .catch that rewrites stack traces), and mapping the result
 * with .then() would add a third, each a microtask hop inside the timed region. This way the await
 * in the measure loop resumes one hop after pg calls back (make bench-harness compares it with a
 * bare `await client.query(...)` loop). Errors, including a stall closed by the watchdog, arrive
 * through the same callback.
 *
 * `mode` is the statement protocol (lib/targets/query-mode.ts):
 * - `extended`: always the extended protocol with the unnamed statement, parameters or not
 *   (node-postgres would send a parameterless statement with the simple protocol; pgbench
 *   `-M extended` does not, and neither does this mode);
 * - `prepared`: a named statement per SQL text (statementName); node-postgres parses it on its
 *   first use on this connection only, then sends Bind/Describe/Execute. The name is looked up in
 *   a per-connection map filled on first use, which is the untimed query probe;
 * - `simple`: the simple query protocol. The measured queries arrive with their parameters already
 *   rendered as literals (prepareCalls) and an empty list; a statement that still carries
 *   parameters (session setup, fingerprint reads: never timed) goes through the extended protocol.
 * Absent (DDL scripts, setup helpers): node-postgres's own rule, as before.
 */
export function pgQuery(client: pg.Client, sql: string, params: readonly unknown[] = [], mode?: QueryMode, names?: Map<string, string>): Promise<QueryOutcome> {
  const config: pg.QueryConfig & { rowMode: 'array'; queryMode?: 'extended' } = { text: sql, values: params as unknown[], rowMode: 'array' };
  if (mode === 'extended' || (mode === 'simple' && params.length > 0)) config.queryMode = 'extended';
  else if (mode === 'prepared' && names) {
    let name = names.get(sql);
    if (name === undefined) names.set(sql, (name = statementName(sql)));
    config.name = name;
  }
  return new Promise((resolve, reject) => {
    client.query(config, (err: Error | null, r: pg.QueryResult) => {
      if (err) reject(stalledError(client, err));
      // A statement that returns no columns (INSERT/UPDATE/DELETE without RETURNING) counts the
      // rows it affected, from the server's command tag; every other one the rows it returned.
      else resolve({ rowCount: r.fields.length === 0 ? (r.rowCount ?? 0) : r.rows.length, rows: r.rows as unknown[][] });
    });
  });
}

/**
 * The query function of a session in `mode`: pgQuery with the session's own name map (prepared
 * statements live per connection). Every pg-driven target's Session.query is one of these.
 */
export function pgQueryFor(client: pg.Client, mode: QueryMode): (sql: string, params?: readonly unknown[]) => Promise<QueryOutcome> {
  const names = new Map<string, string>();
  return (sql, params = []) => pgQuery(client, sql, params, mode, names);
}

/** SQLSTATE classes 08 (connection) and 57P (admin shutdown / crash), or no SQLSTATE at all. */
export function isPgConnectionLoss(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return /^(08|57P)/.test(err.code ?? '') || err.severity === 'FATAL';
  const msg = String((err as Error)?.message ?? err);
  // 'stalled': the statement watchdog closed the connection; 'Query read timeout': pg's own
  // query_timeout (the watchdog's fallback) fired and the connection is in an unknown state.
  return /Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE|not queryable|Client was closed|socket|Query read timeout|connection closed as stalled/i.test(msg);
}
