import type { SqliteDb } from './sqlite.js';

/** Derived by aggregate (lib/stats/time-series.ts): one bucket of one target × scope. */
export interface TimeSeriesRow {
  run_id: string;
  target: string;
  /** category or 'all' */
  scope: string;
  /** Bucket width in seconds: always 1; also the chart's wider width for long runs. */
  width_s: number;
  /** Bucket index: [bucket·width_s, (bucket+1)·width_s) seconds of the phase clock. */
  bucket: number;
  start_s: number;
  /** Seconds of the phase the bucket covers (width_s, less for the last). */
  covered_s: number;
  /** Requests that completed in the bucket, failed ones included. */
  count: number;
  failed: number;
  /** Successful completions ÷ covered_s. */
  qps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
}

const COLS = ['run_id', 'target', 'scope', 'width_s', 'bucket', 'start_s', 'covered_s', 'count', 'failed', 'qps', 'p50_ms', 'p99_ms'] as const;

export async function replaceTimeSeries(db: SqliteDb, runId: string, rows: readonly TimeSeriesRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM time_series WHERE run_id = ?', [runId]);
    await db.insertMany('time_series', COLS, rows.map((r) => COLS.map((c) => r[c])), false);
  });
}

/** The rows of the widest bucket width stored for the run (the one its chart uses), scope 'all'. */
export async function readTimeSeriesForChart(db: SqliteDb, runId: string): Promise<TimeSeriesRow[]> {
  return db.all<TimeSeriesRow>(
    `SELECT * FROM time_series WHERE run_id = ? AND scope = 'all'
        AND width_s = (SELECT max(width_s) FROM time_series WHERE run_id = ?)
      ORDER BY target, bucket`,
    [runId, runId],
  );
}
