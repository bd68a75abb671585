import type { WarmupOutcome } from '../measure/steady-warmup.js';
import type { SqliteDb } from './sqlite.js';

/**
 * How each query × target of a run warmed up (raw fact, written by measure after its session
 * warmup and by the warmup stage; lib/measure/steady-warmup.ts). Runs from before this table
 * have no rows: reports then say nothing about convergence ("not recorded").
 */
export interface WarmupConvergenceRow extends WarmupOutcome {
  run_id: string;
}

const C = ['run_id', 'target', 'query_id', 'iterations', 'wall_s', 'converged', 'last_change', 'stopped_by'] as const;

/** Called after the warmup loop, never inside it. */
export async function writeWarmupConvergence(db: SqliteDb, runId: string, rows: readonly WarmupOutcome[]): Promise<void> {
  await db.insertMany('warmup_convergence', C, rows.map((r) => C.map((c) => (c === 'run_id' ? runId : r[c]))));
}

/** Ordered by target, then query id; empty for runs from before the table (or with warmup 0). */
export async function readWarmupConvergence(db: SqliteDb, runId: string): Promise<WarmupConvergenceRow[]> {
  return db.all<WarmupConvergenceRow>(`SELECT ${C.join(', ')} FROM warmup_convergence WHERE run_id = ? ORDER BY target, query_id`, [runId]);
}
