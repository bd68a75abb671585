import type { SqliteDb } from './sqlite.js';

/** ef_search NULL everywhere below means the engine's default, on a target that cannot set it. */

/** One timed request of the ef_search sweep (raw fact). */
export interface EfSearchSampleRow {
  run_id: string;
  target: string;
  ef_search: number | null;
  query_id: string;
  /** Position in the block's parameter sequence (0-based). */
  seq: number;
  /** ns since the block started */
  start_ns: number;
  elapsed_ns: number;
  ok: 0 | 1;
  error: string | null;
}

/** One block: `requests` back-to-back requests of one query on one target at one ef_search (raw fact). */
export interface EfSearchBlockRow {
  run_id: string;
  target: string;
  ef_search: number | null;
  query_id: string;
  requests: number;
  /** Wall time of the whole block, first request's start to last request's end. */
  wall_ns: number;
  /** 1 when the target set ef_search at query time, 0 when it has no such setting. */
  ef_tunable: number;
}

/** recall@k of one request of the untimed recall pass (raw fact). */
export interface EfSearchRecallRow {
  run_id: string;
  target: string;
  ef_search: number | null;
  query_id: string;
  seq: number;
  recall: number | null;
  error: string | null;
}

/** Derived: one point of a recall–QPS curve. */
export interface EfSearchPointRow {
  run_id: string;
  target: string;
  query_id: string;
  ef_search: number | null;
  ef_tunable: number;
  requests: number;
  failed: number;
  /** Requests of the recall pass that were scored (the others failed). */
  recall_n: number;
  recall_mean: number | null;
  recall_min: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  /** Successful timed requests ÷ the block's wall time (one client, back to back). */
  qps: number | null;
  /**
   * 1 when no other point of the same target × query has recall and QPS at least as high (one
   * strictly); always 0 for a point served without the vector index (see lib/stats/pareto.ts).
   */
  on_frontier: number;
  /** From the point's captured plan (lib/targets/plan-access.ts); null when the run recorded none. */
  vector_order?: string | null;
  access?: string | null;
}

/** Derived: QPS and p99 at a recall level, read off the frontier (see lib/stats/pareto.ts). */
export interface EfSearchMatchedRow {
  run_id: string;
  target: string;
  query_id: string;
  recall_level: number;
  qps: number | null;
  p99_ms: number | null;
  status: string;
  low_ef: number | null;
  high_ef: number | null;
}

const S = ['run_id', 'target', 'ef_search', 'query_id', 'seq', 'start_ns', 'elapsed_ns', 'ok', 'error'] as const;
const B = ['run_id', 'target', 'ef_search', 'query_id', 'requests', 'wall_ns', 'ef_tunable'] as const;
const R = ['run_id', 'target', 'ef_search', 'query_id', 'seq', 'recall', 'error'] as const;
const P = ['run_id', 'target', 'query_id', 'ef_search', 'ef_tunable', 'requests', 'failed', 'recall_n', 'recall_mean', 'recall_min', 'p50_ms', 'p99_ms', 'qps', 'on_frontier', 'vector_order', 'access'] as const;
const M = ['run_id', 'target', 'query_id', 'recall_level', 'qps', 'p99_ms', 'status', 'low_ef', 'high_ef'] as const;

/** One block's raw facts in one transaction (called between blocks, never inside a timed loop). */
export async function writeEfSearchBlock(db: SqliteDb, block: EfSearchBlockRow, samples: readonly EfSearchSampleRow[], recalls: readonly EfSearchRecallRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.insertMany('ef_search_samples', S, samples.map((r) => S.map((c) => r[c])), false);
    await db.insertMany('ef_search_recalls', R, recalls.map((r) => R.map((c) => r[c])), false);
    await db.insertMany('ef_search_blocks', B, [B.map((c) => block[c])], false);
  });
}

export async function readEfSearchSweep(db: SqliteDb, runId: string): Promise<{ samples: EfSearchSampleRow[]; blocks: EfSearchBlockRow[]; recalls: EfSearchRecallRow[] }> {
  return {
    samples: await db.all<EfSearchSampleRow>('SELECT * FROM ef_search_samples WHERE run_id = ? ORDER BY target, query_id, ef_search, seq', [runId]),
    blocks: await db.all<EfSearchBlockRow>('SELECT * FROM ef_search_blocks WHERE run_id = ? ORDER BY target, query_id, ef_search', [runId]),
    recalls: await db.all<EfSearchRecallRow>('SELECT * FROM ef_search_recalls WHERE run_id = ? ORDER BY target, query_id, ef_search, seq', [runId]),
  };
}

export async function replaceEfSearchAggregates(db: SqliteDb, runId: string, points: readonly EfSearchPointRow[], matched: readonly EfSearchMatchedRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM ef_search_points WHERE run_id = ?', [runId]);
    await db.run('DELETE FROM ef_search_matched WHERE run_id = ?', [runId]);
    await db.insertMany('ef_search_points', P, points.map((r) => P.map((c) => r[c] ?? null)), false);
    await db.insertMany('ef_search_matched', M, matched.map((r) => M.map((c) => r[c])), false);
  });
}

export async function readEfSearchAggregates(db: SqliteDb, runId: string): Promise<{ points: EfSearchPointRow[]; matched: EfSearchMatchedRow[] }> {
  return {
    points: await db.all<EfSearchPointRow>('SELECT * FROM ef_search_points WHERE run_id = ? ORDER BY target, query_id, ef_search', [runId]),
    matched: await db.all<EfSearchMatchedRow>('SELECT * FROM ef_search_matched WHERE run_id = ? ORDER BY target, query_id, recall_level', [runId]),
  };
}
