import type { SqliteDb } from './sqlite.js';

export type AggregateLevel = 'query' | 'category' | 'overall';

/** Derived from samples by the aggregate stage; dropped and recomputed on every aggregate. */
export interface AggregateRow {
  run_id: string;
  target: string;
  level: AggregateLevel;
  /** query id, category name, or 'all'. */
  key: string;
  /** category of the key ('all' for overall). */
  category: string;
  count: number;
  failed: number;
  mean_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  qps: number | null;
  qps_wall: number | null;
}

export interface SpectrumRow {
  run_id: string;
  target: string;
  quantile: number;
  latency_ms: number;
}

const AGG_COLS = ['run_id', 'target', 'level', 'key', 'category', 'count', 'failed', 'mean_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'min_ms', 'max_ms', 'qps', 'qps_wall'] as const;

export async function replaceAggregates(db: SqliteDb, runId: string, rows: readonly AggregateRow[], spectrum: readonly SpectrumRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM aggregates WHERE run_id = ?', [runId]);
    await db.run('DELETE FROM latency_spectrum WHERE run_id = ?', [runId]);
    await db.insertMany('aggregates', AGG_COLS, rows.map((r) => AGG_COLS.map((c) => r[c])), false);
    await db.insertMany('latency_spectrum', ['run_id', 'target', 'quantile', 'latency_ms'], spectrum.map((s) => [s.run_id, s.target, s.quantile, s.latency_ms]), false);
  });
}

export async function readAggregates(db: SqliteDb, runId: string): Promise<AggregateRow[]> {
  return db.all<AggregateRow>('SELECT * FROM aggregates WHERE run_id = ? ORDER BY target, level, key', [runId]);
}

export async function readSpectrum(db: SqliteDb, runId: string): Promise<SpectrumRow[]> {
  return db.all<SpectrumRow>('SELECT * FROM latency_spectrum WHERE run_id = ? ORDER BY target, quantile', [runId]);
}
