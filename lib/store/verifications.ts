import type { GroundTruth } from '../workload/ground-truth.js';
import type { SqliteDb } from './sqlite.js';
import { nowIso } from './open.js';

export interface VerificationRow {
  run_id: string;
  target: string;
  query_id: string;
  iteration: number;
  row_count: number | null;
  /** Canonical hash of the result (ids only for kNN queries); null when the query failed. */
  result_hash: string | null;
  /** recall@k against the exact ground truth, for kNN queries; null otherwise. */
  recall: number | null;
  error: string | null;
}

export interface VerificationSummaryRow {
  run_id: string;
  target: string;
  query_id: string;
  checked: number;
  errors: number;
  /** Iterations whose result differs from the reference target's (deterministic queries only). */
  mismatches: number;
  mean_recall: number | null;
  min_recall: number | null;
  /** 'ok' | 'mismatch' | 'errors' | 'recall collapse' | 'wrong neighbours' */
  verdict: string;
}

const V_COLS = ['run_id', 'target', 'query_id', 'iteration', 'row_count', 'result_hash', 'recall', 'error'] as const;
const S_COLS = ['run_id', 'target', 'query_id', 'checked', 'errors', 'mismatches', 'mean_recall', 'min_recall', 'verdict'] as const;

export async function writeVerifications(db: SqliteDb, rows: readonly VerificationRow[]): Promise<void> {
  await db.insertMany('verifications', V_COLS, rows.map((r) => V_COLS.map((c) => r[c])));
}

export async function readVerifications(db: SqliteDb, runId: string): Promise<VerificationRow[]> {
  return db.all<VerificationRow>('SELECT * FROM verifications WHERE run_id = ? ORDER BY query_id, iteration, target', [runId]);
}

export async function replaceVerificationSummary(db: SqliteDb, runId: string, rows: readonly VerificationSummaryRow[]): Promise<void> {
  await db.transaction(async () => {
    await db.run('DELETE FROM verification_summary WHERE run_id = ?', [runId]);
    await db.insertMany('verification_summary', S_COLS, rows.map((r) => S_COLS.map((c) => r[c])), false);
  });
}

export async function readVerificationSummary(db: SqliteDb, runId: string): Promise<VerificationSummaryRow[]> {
  return db.all<VerificationSummaryRow>('SELECT * FROM verification_summary WHERE run_id = ? ORDER BY query_id, target', [runId]);
}

export async function loadGroundTruth(db: SqliteDb, datasetId: string, poolSize: number, k: number): Promise<GroundTruth | undefined> {
  const row = await db.get<{ truth_json: string }>('SELECT truth_json FROM ground_truth WHERE dataset_id = ? AND pool_size = ? AND k = ?', [datasetId, poolSize, k]);
  return row ? (JSON.parse(row.truth_json) as GroundTruth) : undefined;
}

export async function saveGroundTruth(db: SqliteDb, datasetId: string, poolSize: number, gt: GroundTruth): Promise<void> {
  await db.run('INSERT OR REPLACE INTO ground_truth (dataset_id, pool_size, k, truth_json, created_at) VALUES (?, ?, ?, ?, ?)', [
    datasetId, poolSize, gt.k, JSON.stringify(gt), nowIso(),
  ]);
}
