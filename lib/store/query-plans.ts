import type { VectorOrder } from '../targets/plan-access.js';
import type { SqliteDb } from './sqlite.js';

/**
 * One captured plan (raw fact): the plan a target reported for one measured query, with the
 * parameters of its first timed request, captured untimed (lib/pipeline/query-plans.ts).
 * No secret can appear here: the plan of a benchmark statement holds table, index and column
 * names and the bound values (query vector, k, label, category), never connection settings.
 */
export interface QueryPlanRow {
  run_id: string;
  target: string;
  /** 'measure': the main measurement (ef_search NULL); 'ef_search': one point of the sweep. */
  scope: 'measure' | 'ef_search';
  query_id: string;
  /** Sweep: the value set on the session; NULL on a target that cannot set it (and for 'measure'). */
  ef_search: number | null;
  /** The target's `plans` capability: 'postgres-json', or 'none' (not captured). */
  format: string;
  /** The plan as the engine returned it (null when not captured or capture failed). */
  plan: string | null;
  /** JSON object index name → access method, read with the plan (null when not captured). */
  index_methods: string | null;
  vector_order: VectorOrder;
  access: string;
  /** Why there is no plan (capture failed), else null. */
  error: string | null;
}

const C = ['run_id', 'target', 'scope', 'query_id', 'ef_search', 'format', 'plan', 'index_methods', 'vector_order', 'access', 'error'] as const;

/** Called between timed blocks, never inside one. */
export async function writeQueryPlans(db: SqliteDb, rows: readonly QueryPlanRow[]): Promise<void> {
  await db.insertMany('query_plans', C, rows.map((r) => C.map((c) => r[c])));
}

export async function readQueryPlans(db: SqliteDb, runId: string): Promise<QueryPlanRow[]> {
  return db.all<QueryPlanRow>('SELECT * FROM query_plans WHERE run_id = ? ORDER BY scope, target, query_id, ef_search', [runId]);
}
