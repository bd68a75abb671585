import type { SqliteDb } from './sqlite.js';

/**
 * One measured query a path cannot run in one run (raw fact): declared by the target (capability
 * `unsupportedQueries`) and confirmed by the probe's one untimed execution failing
 * (lib/pipeline/query-probe.ts). Reports show it as "not supported on this path: <error>"; it has
 * no samples on that target and enters no comparison. No secret can appear here: the error is
 * the server's message about a benchmark statement, as in the samples' error column.
 */
export interface UnsupportedQueryRow {
  run_id: string;
  target: string;
  query_id: string;
  /** Why the target declared it (its capability text, with the sources it cites). */
  reason: string;
  /** The error the path returned for the probe. */
  error: string;
}

const C = ['run_id', 'target', 'query_id', 'reason', 'error'] as const;

/** Called before any timed loop, never inside one. */
export async function writeUnsupportedQueries(db: SqliteDb, rows: readonly UnsupportedQueryRow[]): Promise<void> {
  await db.insertMany('unsupported_queries', C, rows.map((r) => C.map((c) => r[c])));
}

/** In target, then query order; empty for runs where every path ran every query (and for runs from before the probe). */
export async function readUnsupportedQueries(db: SqliteDb, runId: string): Promise<UnsupportedQueryRow[]> {
  return db.all<UnsupportedQueryRow>('SELECT run_id, target, query_id, reason, error FROM unsupported_queries WHERE run_id = ? ORDER BY target, query_id', [runId]);
}

/** The wording every output uses. */
export function notSupportedText(r: Pick<UnsupportedQueryRow, 'error'>): string {
  return `not supported on this path: ${r.error}`;
}
