import type { SqliteDb } from './sqlite.js';

export interface ValidationRow {
  target: string;
  database_key: string;
  ok: number;
  message: string;
}

export async function writeValidations(db: SqliteDb, executionId: number, rows: readonly ValidationRow[]): Promise<void> {
  await db.insertMany(
    'validations',
    ['execution_id', 'target', 'database_key', 'ok', 'message'],
    rows.map((r) => [executionId, r.target, r.database_key, r.ok, r.message]),
  );
}

/** The newest successful validation of each target (at or after `since`, if given). */
export async function validatedTargets(db: SqliteDb): Promise<Map<string, { executionId: number; finishedAt: string }>> {
  const rows = await db.all<{ target: string; execution_id: number; finished_at: string }>(
    `SELECT v.target, MAX(e.id) AS execution_id, e.finished_at
       FROM validations v JOIN stage_executions e ON e.id = v.execution_id
      WHERE v.ok = 1 AND e.status = 'ok'
      GROUP BY v.target`,
  );
  return new Map(rows.map((r) => [r.target, { executionId: r.execution_id, finishedAt: r.finished_at }]));
}
