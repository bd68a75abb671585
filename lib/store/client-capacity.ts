import type { ClientCapacity } from '../measure/client-capacity.js';
import type { SqliteDb } from './sqlite.js';

/**
 * The client's measured capacity per target of a run (raw fact, written by measure before the
 * timed loop; lib/measure/client-capacity.ts). Runs from before the table have no rows: the report
 * says "not recorded".
 */
export interface ClientCapacityRow extends ClientCapacity {
  run_id: string;
  target: string;
  /** The statement looped (the dialect's `ping`). */
  statement: string;
  /** Client threads this target's load levels could use (client_threads where it applies, else 1). */
  threads: number;
  /** 1 when the target's engine runs in this process (its work is client CPU by design). */
  in_process: number;
}

const C = ['run_id', 'target', 'statement', 'threads', 'in_process', 'requests', 'wall_ns', 'cpu_ns', 'per_thread_rps', 'wall_rps'] as const;

export async function writeClientCapacity(db: SqliteDb, row: ClientCapacityRow): Promise<void> {
  await db.insertMany('client_capacity', C, [C.map((c) => row[c])]);
}

export async function readClientCapacity(db: SqliteDb, runId: string): Promise<ClientCapacityRow[]> {
  return db.all<ClientCapacityRow>(`SELECT ${C.join(', ')} FROM client_capacity WHERE run_id = ? ORDER BY target`, [runId]);
}
