import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The statement protocol a `pg`-driven target uses for its measured queries, as pgbench's
 * `-M simple|extended|prepared`:
 * - `extended`: the extended protocol with the unnamed statement: Parse, Bind, Describe, Execute,
 *   Sync on every call (what `client.query(text, values)` sends); parsed and planned every time.
 * - `prepared`: a named statement per distinct SQL text per session; parsed once (by the untimed
 *   query probe, before any timed loop), then Bind/Describe/Execute per call, as pgbench
 *   `-M prepared` and psycopg's automatic preparing do.
 * - `simple`: the simple query protocol; parameters are rendered client-side as SQL literals before
 *   the timed loop (lib/targets/sql-literals.ts), as psycopg2 does.
 * The mode is part of the path: recorded in the run's environment and shown in every report header.
 */
export const QUERY_MODES = ['simple', 'extended', 'prepared'] as const;
export type QueryMode = (typeof QUERY_MODES)[number];

/**
 * The default is what an application meets when it calls node-postgres's `client.query(text,
 * values)`: unnamed extended statements (docs/query-modes.md says why it is the default).
 */
export const DEFAULT_QUERY_MODE: QueryMode = 'extended';

export const queryModeOption = z
  .enum(QUERY_MODES)
  .default(DEFAULT_QUERY_MODE)
  .describe('Statement protocol of the measured queries, as pgbench -M: simple (literals, simple query protocol), extended (unnamed statements, parsed every call), prepared (named statements, parsed once per session). See docs/query-modes.md.');

/** The mode a target runs with: its `query_mode` option when the target honours modes, else none. */
export function queryModeOf(t: { module: { capabilities: { wireQueryModes?: unknown } }; ctx: { options: Record<string, unknown> } }): QueryMode | undefined {
  if (!t.module.capabilities.wireQueryModes) return undefined;
  const m = t.ctx.options.query_mode;
  return (QUERY_MODES as readonly unknown[]).includes(m) ? (m as QueryMode) : DEFAULT_QUERY_MODE;
}

/**
 * The server-side name of a prepared statement: a function of its SQL text only, so every session
 * names the same statement alike and two texts never share a name (node-postgres refuses a name
 * reused with other text). 64 bits of SHA-1: a collision among a run's few dozen texts is not a
 * practical concern. Within PostgreSQL's 63-byte identifier limit.
 */
export function statementName(sql: string): string {
  return `pb_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
}

/** One line for the run's environment and the report headers. */
export function queryModeText(mode: QueryMode): string {
  switch (mode) {
    case 'simple':
      return 'simple (simple query protocol, parameters rendered as SQL literals before timing)';
    case 'extended':
      return 'extended (unnamed statements: parse, bind, describe, execute on every call)';
    case 'prepared':
      return 'prepared (named statements, parsed once per session before timing)';
  }
}
