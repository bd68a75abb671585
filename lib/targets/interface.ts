import type { ZodType } from 'zod';
import type { MetadataRow, VectorBatch } from '../workload/generator.js';
import type { Dialect } from './dialect.js';

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
}

export interface QueryOutcome {
  /** Rows returned (all fetched before the promise resolves). */
  rowCount: number;
  /** Rows in array mode (column order of the statement). */
  rows: unknown[][];
}

export interface Session {
  /** Run one statement with bound parameters; resolves after every row has been fetched. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryOutcome>;
  /** Run a script of parameterless statements (DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk-load every batch, in order, with the dialect's copy statement. Batches are produced
   * lazily: a server target streams them into one COPY so the next batch is generated while the
   * server ingests the last. `onBatch` is called after each batch is handed over.
   */
  loadVectors(sql: string, batches: Iterable<VectorBatch>, onBatch?: (rows: number) => void): Promise<void>;
  loadMetadata(sql: string, chunks: Iterable<readonly MetadataRow[]>): Promise<void>;
  /** Idempotent; never throws. */
  close(): Promise<void>;
}

export interface OpenContext {
  /** This target's options, already parsed by its optionsSchema. */
  options: Record<string, unknown>;
  /** Absolute project root; relative paths in options resolve against it. */
  root: string;
}

export interface TargetModule {
  id: string;
  /** One line for reports: driver, protocol, server. */
  describe(options: Record<string, unknown>): string;
  dialect: Dialect;
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
  /** Versions of driver, server and extensions, for the run's environment fingerprint. */
  environment(session: Session): Promise<Record<string, string>>;
}

export interface TargetEntry {
  /** Options schema; imported eagerly (zod only, no driver) so config validation needs no driver. */
  optionsSchema: ZodType;
  /** Lazy loader: a missing optional driver surfaces as "target unavailable" here. */
  load: () => Promise<TargetModule>;
}
