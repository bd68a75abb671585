import type { ZodType } from 'zod';
import type { MetadataRow, VectorBatch } from '../workload/generator.js';
import type { QueryId } from '../workload/queries.js';
import type { BindOrder } from './bind.js';
import type { Dialect } from './dialect.js';
import type { OnServerStarted } from './started-server.js';

/**
 * The target contract. A target is one access path into one database: a driver, a protocol and
 * a dialect. Differences between targets are capability flags, never optional methods.
 *
 * A Session never times itself: only lib/measure reads the clock.
 */
export interface Capabilities {
  /** Several sessions can run queries at the same time (false: they queue behind one). */
  concurrentSessions: boolean;
  /** An approximate (HNSW) index serves the cosine kNN query. */
  annIndex: boolean;
  /** Bulk loading uses PostgreSQL binary COPY. */
  copy: boolean;
  /**
   * The database engine runs inside the measuring process (PGlite, and the pglite-socket gateway
   * in front of it): its work shows up as client CPU and event-loop delay. Default false.
   */
  inProcess?: boolean;
  /**
   * Where vector search comes from (default `pgvector`): validate checks the pgvector extension
   * and its version; `builtin` (InterSystems IRIS) checks the engine's own version instead.
   */
  vectorSupport?: 'pgvector' | 'builtin';
  /**
   * How seed reads the fingerprint back (default `vector_send`): the dialect's fingerprint
   * statements return one md5 per chunk computed by the server over pgvector's vector_send()
   * bytes; `rows`: they return the chunk's rows (id, vector as text / id, label, category,
   * created_at in epoch ms) and seed hashes them in Node in the same canonical layout
   * (lib/targets/row-fingerprint.ts) — for engines that cannot produce vector_send bytes.
   */
  fingerprintReadBack?: 'vector_send' | 'rows';
  /**
   * Whether the approximate index's search breadth can be set at query time (default `session`):
   * `session` — the dialect's set_ef_search sets it for the session (pgvector's hnsw.ef_search);
   * `fixed` — the engine offers no query-time setting (IRIS SQL: the HNSW index takes Distance, M
   * and efConstruction only), so an ef_search sweep measures it once, at the engine's default.
   */
  efSearch?: 'session' | 'fixed';
  /**
   * Whether measure can ask the target for the plan a measured query runs with (default `none`):
   * `postgres-json` — PostgreSQL's `EXPLAIN (FORMAT JSON)` with the same bound parameters, read
   * by lib/targets/pgvector-sql/explain-plan.ts; `none` — not captured (recorded as such). Plans
   * are captured untimed, outside every timed region (lib/pipeline/query-plans.ts).
   */
  plans?: 'postgres-json' | 'none';
  /**
   * Measured queries this path is expected not to run, each with the reason (default: none).
   * measure and the warmup stage probe every query once, untimed, before any timed loop
   * (lib/pipeline/query-probe.ts): a declared query that fails there is stored as "not supported
   * on this path" with the error and skipped in every phase, aggregate and comparison; a declared
   * query that runs is measured like any other (the log says so). An undeclared failure stays a
   * failure: counted, reported, never hidden.
   */
  unsupportedQueries?: Partial<Record<QueryId, string>>;
  /**
   * Measured queries whose SQL is correct only when every stored and query vector is unit-length
   * (default: none), each with the reason. On a dataset whose vectors are not (a file's), the
   * probe marks them "not supported on this path" without running them: a wrong answer is not
   * measured (lib/pipeline/query-probe.ts).
   */
  unitVectorQueries?: Partial<Record<QueryId, string>>;
  /**
   * Measured queries this path's dialect has no statement for (OptionalStatementId in
   * lib/targets/dialect.ts), each with the reason (default: none). The probe marks them "not
   * supported on this path" without running anything; they are skipped like any unsupported query.
   */
  queriesWithoutStatement?: Partial<Record<QueryId, string>>;
  /**
   * Which path seed loads a shared database through (default `able`). When several targets of a
   * run share a databaseKey, seed drops, loads, indexes and marks the database through one of
   * them and only reads the fingerprint back through the others: the first `preferred` target in
   * `targets`, else the first one (lib/pipeline/seed-loader.ts). iris-native is `preferred`: its
   * statements reach IRIS verbatim and it loads a page of rows per round trip, in one transaction,
   * where the gateway upper-cases identifiers, makes BEGIN/COMMIT no-ops on its pooled
   * connections and inserts one row per statement (docs/targets.md, iris-native, *Loading*).
   */
  loader?: 'preferred' | 'able';
  /**
   * The target reaches its server through node-postgres and honours the `query_mode` option
   * (simple | extended | prepared, lib/targets/query-mode.ts). For the simple mode, prepareCalls
   * renders the measured queries' parameters as literals before any timed loop, so it needs the
   * dialect's placeholder style (`dollar`: $1, $2 — may repeat; `question`: IRIS `?` in order) and
   * literal style (`postgres`: node-postgres's escapeLiteral; `standard`: '…' with doubled quotes
   * only, for IRIS SQL), see lib/targets/sql-literals.ts. Absent: the option does not apply.
   */
  wireQueryModes?: { placeholders: 'dollar' | 'question'; literals: 'postgres' | 'standard' };
}

export interface QueryOutcome {
  /**
   * Rows returned (all fetched before the promise resolves); for a statement that returns no
   * columns (INSERT, UPDATE, DELETE without RETURNING) the rows it affected, as the server reports them.
   */
  rowCount: number;
  /** Rows in array mode (column order of the statement). */
  rows: unknown[][];
  /**
   * Set only by a session that runs its calls in a thread of its own (iris-native: the Native SDK
   * blocks its thread): the clock readings lib/measure took around the call inside that thread
   * (lib/measure/in-thread-call.ts). Timed loops use them instead of their own readings, which
   * would include the message hops between threads. An error such a session rejects with carries
   * the same readings as its `timing` property. Absent: the caller's readings are the call's.
   */
  timing?: CallTiming;
}

/** Clock readings of one call: process.hrtime.bigint() before it, and the time it took (ns). */
export interface CallTiming {
  t0: bigint;
  elapsedNs: bigint;
}

export interface Session {
  /** Run one statement with bound parameters; resolves after every row has been fetched. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryOutcome>;
  /** Run a script of parameterless statements (DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-load every batch, in order, with the dialect's copy statement. Batches are produced
   * lazily: a server target streams them into one COPY so the next batch is generated while the
   * server ingests the last (a file dataset's batches are read from disk, hence also async).
   * `onBatch` is called after each batch is handed over.
   */
  loadVectors(sql: string, batches: Iterable<VectorBatch> | AsyncIterable<VectorBatch>, onBatch?: (rows: number) => void): Promise<void>;
  loadMetadata(sql: string, chunks: Iterable<readonly MetadataRow[]>): Promise<void>;
  /** Idempotent; never throws. */
  close(): Promise<void>;
}

export interface OpenContext {
  /** This target's options, already parsed by its optionsSchema. */
  options: Record<string, unknown>;
  /** Absolute project root; relative paths in options resolve against it. */
  root: string;
  /**
   * Provision stage only: a target that started a server (one that was not running before) says
   * so here, so an interrupted stage can stop it again (lib/pipeline/started-servers.ts).
   */
  serverStarted?: OnServerStarted;
}

export interface TargetModule {
  id: string;
  /** One line for reports: driver, protocol, server. */
  describe(options: Record<string, unknown>): string;
  dialect: Dialect;
  /**
   * Which catalogue parameter each positional placeholder of a statement receives, for dialects
   * whose placeholders cannot be numbered (IRIS `?`). Absent: parameters bind in catalogue order.
   * Read only through bindFor() (lib/targets/bind.ts).
   */
  bindOrder?: BindOrder;
  capabilities: Capabilities;
  /**
   * Targets returning the same key read and write the same database (pglite and pglite-wire):
   * seed loads it once; each target still reads its own fingerprint back through its own path.
   */
  databaseKey(ctx: OpenContext): string;
  /**
   * Make the target's database exist (create a data directory, start a server, ...). Idempotent;
   * returns one line saying what was done. Called by the provision stage only.
   */
  provision(ctx: OpenContext): Promise<string>;
  /** Open a session. Throws with a message saying what is wrong when the target is unreachable. */
  open(ctx: OpenContext): Promise<Session>;
  /** Encode a query vector for a bound parameter. Called before timed loops, never inside. */
  encodeVector(v: Float32Array, format: 'binary' | 'text'): unknown;
  /** True when the error means the session is gone (the run must abort), not that one query failed. */
  isConnectionLoss(err: unknown): boolean;
  /**
   * Versions of driver, server and extensions, for the run's environment fingerprint. `options`:
   * the instance's options (what path it takes: gateway, transport), when the caller has them.
   */
  environment(session: Session, options?: Record<string, unknown>): Promise<Record<string, string>>;
}

export interface TargetEntry {
  /** Options schema; imported eagerly (zod only, no driver) so config validation needs no driver. */
  optionsSchema: ZodType;
  /** Lazy loader: a missing optional driver surfaces as "target unavailable" here. */
  load: () => Promise<TargetModule>;
}
