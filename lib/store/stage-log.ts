import type { SqliteDb } from './sqlite.js';
import { hostname } from 'node:os';
import { nowIso } from './open.js';

/** Every stage records its own execution: started as 'running', finished as 'ok' or 'failed'. */
export async function startExecution(db: SqliteDb, stage: string, configJson: string): Promise<number> {
  const r = await db.run('INSERT INTO stage_executions (stage, started_at, status, config_json, pid, host) VALUES (?, ?, ?, ?, ?, ?)', [
    stage,
    nowIso(),
    'running',
    configJson,
    process.pid,
    hostname(),
  ]);
  return r.lastID;
}

export async function attachRun(db: SqliteDb, executionId: number, runId: string): Promise<void> {
  await db.run('UPDATE stage_executions SET run_id = ? WHERE id = ?', [runId, executionId]);
}

export async function finishExecution(db: SqliteDb, executionId: number, exitCode: number, error?: string): Promise<void> {
  await db.run('UPDATE stage_executions SET finished_at = ?, status = ?, exit_code = ?, error = ? WHERE id = ?', [
    nowIso(),
    exitCode === 0 ? 'ok' : exitCode === 130 ? 'interrupted' : 'failed',
    exitCode,
    error ?? null,
    executionId,
  ]);
}

export interface ExecutionRow {
  id: number;
  stage: string;
  run_id: string | null;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'ok' | 'failed' | 'interrupted' | 'abandoned';
  exit_code: number | null;
  error: string | null;
}

export async function latestExecution(db: SqliteDb, stage: string): Promise<ExecutionRow | undefined> {
  return db.get<ExecutionRow>('SELECT * FROM stage_executions WHERE stage = ? ORDER BY id DESC LIMIT 1', [stage]);
}
