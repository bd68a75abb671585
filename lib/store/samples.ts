import type { SqliteDb, SqlValue } from './sqlite.js';

/** One request, as measured. elapsed_ns/start_ns are integers (ns since the run's clock origin). */
export interface SampleRow {
  run_id: string;
  target: string;
  query_id: string;
  category: string;
  phase: 'warmup' | 'measure';
  iteration: number;
  start_ns: number;
  elapsed_ns: number;
  row_count: number | null;
  ok: 0 | 1;
  error: string | null;
}

const COLUMNS = ['run_id', 'target', 'query_id', 'category', 'phase', 'iteration', 'start_ns', 'elapsed_ns', 'row_count', 'ok', 'error'] as const;

/** Batched write: one transaction, multi-row INSERTs. Never called inside a timed region. */
export async function writeSamples(db: SqliteDb, rows: readonly SampleRow[]): Promise<void> {
  await db.insertMany('samples', COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c] as SqlValue)));
}

export async function readSamples(db: SqliteDb, runId: string, phase: 'warmup' | 'measure'): Promise<SampleRow[]> {
  return db.all<SampleRow>('SELECT * FROM samples WHERE run_id = ? AND phase = ? ORDER BY start_ns', [runId, phase]);
}
