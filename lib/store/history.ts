import type { RunRow } from './runs.js';
import type { SampleRow } from './samples.js';
import type { SqliteDb } from './sqlite.js';

/**
 * Read-only views over past runs, for run management (`make runs`, `make report`, `make export`)
 * and run comparison (`make compare`). Nothing here needs a database server.
 */

export interface RunListingRow extends RunRow {
  /** Stored samples of the run, all phases. */
  samples: number;
  measured: number;
  warmup_samples: number;
  /** Aggregate rows currently stored for the run (0: `make aggregate` not run since the samples). */
  aggregate_rows: number;
}

/** Every run, oldest first, with its sample and aggregate counts. */
export async function listRuns(db: SqliteDb): Promise<RunListingRow[]> {
  return db.all<RunListingRow>(
    `SELECT r.*,
            coalesce(s.n, 0) AS samples,
            coalesce(s.measured, 0) AS measured,
            coalesce(s.warm, 0) AS warmup_samples,
            coalesce(a.n, 0) AS aggregate_rows
       FROM runs r
       LEFT JOIN (SELECT run_id, count(*) AS n, sum(phase = 'measure') AS measured, sum(phase = 'warmup') AS warm
                    FROM samples GROUP BY run_id) s ON s.run_id = r.run_id
       LEFT JOIN (SELECT run_id, count(*) AS n FROM aggregates GROUP BY run_id) a ON a.run_id = r.run_id
      ORDER BY r.created_at, r.rowid`,
  );
}

/** The complete measurement run created just before `runId` (for "compare with the previous run"). */
export async function previousCompleteRun(db: SqliteDb, runId: string): Promise<RunRow | undefined> {
  return db.get<RunRow>(
    `SELECT * FROM runs
      WHERE kind = 'measure' AND status = 'complete'
        AND (created_at, rowid) < (SELECT created_at, rowid FROM runs WHERE run_id = ?)
      ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    [runId],
  );
}

export async function countSamples(db: SqliteDb, runId: string, phase?: 'warmup' | 'measure'): Promise<number> {
  const row = phase
    ? await db.get<{ n: number }>('SELECT count(*) AS n FROM samples WHERE run_id = ? AND phase = ?', [runId, phase])
    : await db.get<{ n: number }>('SELECT count(*) AS n FROM samples WHERE run_id = ?', [runId]);
  return row?.n ?? 0;
}

/**
 * Every sample of a run (warmup first, then measure, each in start order), in pages of `pageSize`
 * rows, so an export of a large run never holds it all in memory.
 */
export async function* sampleBatches(db: SqliteDb, runId: string, pageSize = 20_000): AsyncGenerator<SampleRow[]> {
  let lastRowid = -1;
  for (;;) {
    const rows = await db.all<SampleRow & { rid: number }>(
      `SELECT rowid AS rid, * FROM samples WHERE run_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
      [runId, lastRowid, pageSize],
    );
    if (rows.length === 0) return;
    lastRowid = rows[rows.length - 1]!.rid;
    yield rows.map(({ rid: _rid, ...s }) => s as SampleRow);
    if (rows.length < pageSize) return;
  }
}

export interface IndexBuildRow {
  target: string;
  index_seconds: number;
  size: number;
  dims: number;
  seeded_at: string;
}

/** The newest recorded HNSW build of `target` with this index spec (any dataset), for an estimate. */
export async function lastIndexBuild(db: SqliteDb, target: string, indexSpec: string): Promise<IndexBuildRow | undefined> {
  return db.get<IndexBuildRow>(
    `SELECT f.target, f.index_seconds, d.size, d.dims, f.seeded_at
       FROM dataset_fingerprints f JOIN datasets d ON d.dataset_id = f.dataset_id
      WHERE f.target = ? AND f.index_spec = ? AND f.index_seconds IS NOT NULL AND f.index_seconds > 0
      ORDER BY f.seeded_at DESC LIMIT 1`,
    [target, indexSpec],
  );
}
