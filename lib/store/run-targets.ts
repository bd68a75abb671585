import type { SqliteDb } from './sqlite.js';

/**
 * The target instances of one run: name (the id every other table uses) and target type, in the
 * run's `targets` order. Written with the run (lib/pipeline/run-start.ts); runs from before
 * instances existed were backfilled by the migration with name = type.
 */
export interface RunTargetRow {
  target: string;
  type: string;
}

export async function writeRunTargets(db: SqliteDb, runId: string, rows: readonly RunTargetRow[]): Promise<void> {
  await db.insertMany('run_targets', ['run_id', 'target', 'type', 'ordinal'], rows.map((r, i) => [runId, r.target, r.type, i]));
}

export async function readRunTargets(db: SqliteDb, runId: string): Promise<RunTargetRow[]> {
  return db.all<RunTargetRow>('SELECT target, type FROM run_targets WHERE run_id = ? ORDER BY ordinal', [runId]);
}

/**
 * "pg-bouncer (postgres), pg-tls (postgres)": the instances whose name is not their type, for
 * reports. Empty when every name is its type — always so for runs from before instances existed,
 * which therefore render exactly as they did.
 */
export function namedInstancesText(rows: readonly RunTargetRow[]): string {
  return rows.filter((r) => r.target !== r.type).map((r) => `${r.target} (${r.type})`).join(', ');
}
