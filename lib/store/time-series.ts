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

/** One series (target × scope × width) with its buckets as arrays indexed by bucket: what is stored. */
export interface TimeSeriesColumns {
  run_id: string;
  target: string;
  scope: string;
  width_s: number;
  /** Seconds the last bucket covers (the others cover width_s). */
  last_covered_s: number;
  count: number[];
  failed: number[];
  qps: (number | null)[];
  p50_ms: (number | null)[];
  p99_ms: (number | null)[];
}

interface SeriesRow {
  run_id: string;
  target: string;
  scope: string;
  width_s: number;
  buckets: number;
  last_covered_s: number;
  count_json: string;
  failed_json: string;
  qps_json: string;
  p50_json: string;
  p99_json: string;
}

const COLS = ['run_id', 'target', 'scope', 'width_s', 'buckets', 'last_covered_s', 'count_json', 'failed_json', 'qps_json', 'p50_json', 'p99_json'] as const;

/**
 * Stored one row per series (target × scope × width), its buckets as JSON arrays indexed by
 * bucket number: a long run has ~10⁵ buckets (12,000 s × 3 targets × 4 scopes), and one table row
 * per bucket cost more to insert than everything else the aggregate stage does (measured: 2.3 s
 * of CPU for 148,000 rows through json_each, 4.7 s through bound parameters, on the loaded
 * 2-core machine). Replaces the run's stored series with `series` (as timeSeriesColumns() makes
 * them: every array one value per bucket, bucket 0 first).
 */
export async function replaceTimeSeriesColumns(db: SqliteDb, runId: string, series: readonly TimeSeriesColumns[]): Promise<void> {
  const packed: SeriesRow[] = series.map((s) => {
    const B = s.count.length;
    for (const k of ['failed', 'qps', 'p50_ms', 'p99_ms'] as const) {
      if (s[k].length !== B) throw new Error(`time series ${s.target}/${s.scope}: ${B} counts but ${s[k].length} ${k} values`);
    }
    return {
      run_id: runId, target: s.target, scope: s.scope, width_s: s.width_s, buckets: B, last_covered_s: s.last_covered_s,
      count_json: JSON.stringify(s.count), failed_json: JSON.stringify(s.failed), qps_json: JSON.stringify(s.qps), p50_json: JSON.stringify(s.p50_ms), p99_json: JSON.stringify(s.p99_ms),
    };
  });
  await db.transaction(async () => {
    await db.run('DELETE FROM time_series WHERE run_id = ?', [runId]);
    for (const p of packed) await db.run(`INSERT INTO time_series (${COLS.join(', ')}) VALUES (${COLS.map(() => '?').join(', ')})`, COLS.map((c) => p[c]));
  });
}

function unpack(s: SeriesRow): TimeSeriesRow[] {
  return seriesRows({
    run_id: s.run_id, target: s.target, scope: s.scope, width_s: s.width_s, last_covered_s: s.last_covered_s,
    count: JSON.parse(s.count_json) as number[], failed: JSON.parse(s.failed_json) as number[], qps: JSON.parse(s.qps_json) as (number | null)[],
    p50_ms: JSON.parse(s.p50_json) as (number | null)[], p99_ms: JSON.parse(s.p99_json) as (number | null)[],
  });
}

/** The rows of one series (bucket b covers [b·width_s, (b+1)·width_s) s; the last, last_covered_s). */
export function seriesRows(s: TimeSeriesColumns): TimeSeriesRow[] {
  const B = s.count.length;
  return s.count.map((count, b) => ({
    run_id: s.run_id, target: s.target, scope: s.scope, width_s: s.width_s, bucket: b, start_s: b * s.width_s,
    covered_s: b < B - 1 ? s.width_s : s.last_covered_s, count, failed: s.failed[b]!, qps: s.qps[b]!, p50_ms: s.p50_ms[b]!, p99_ms: s.p99_ms[b]!,
  }));
}

/** Every bucket of the run at one width (1 = per second), all targets and scopes. */
export async function readTimeSeries(db: SqliteDb, runId: string, widthS = 1): Promise<TimeSeriesRow[]> {
  const rows = await db.all<SeriesRow>('SELECT * FROM time_series WHERE run_id = ? AND width_s = ? ORDER BY target, scope', [runId, widthS]);
  return rows.flatMap(unpack);
}

/** The buckets of the widest width stored for the run (the one its chart uses), scope 'all'. */
export async function readTimeSeriesForChart(db: SqliteDb, runId: string): Promise<TimeSeriesRow[]> {
  const rows = await db.all<SeriesRow>(
    `SELECT * FROM time_series WHERE run_id = ? AND scope = 'all'
        AND width_s = (SELECT max(width_s) FROM time_series WHERE run_id = ?)
      ORDER BY target`,
    [runId, runId],
  );
  return rows.flatMap(unpack);
}
