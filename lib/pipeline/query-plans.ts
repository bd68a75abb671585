import { TargetUnavailableError, errorText } from '../errors.js';
import type { PreparedTarget } from '../measure/prepare.js';
import { stopwatch } from '../measure/stopwatch.js';
import type { SqliteDb } from '../store/sqlite.js';
import { writeQueryPlans, type QueryPlanRow } from '../store/query-plans.js';
import { NOT_CAPTURED } from '../targets/plan-access.js';
import { planFormatOf } from '../targets/plan-formats.js';
import type { QueryTemplate } from '../workload/queries.js';
import { onTarget } from './targets.js';

/**
 * Ask each target for the plan of each query, with the bound parameters of its first timed
 * request (`calls[q][0]`), on the measuring session with its settings in force, and store it
 * with the access method read off it. Untimed and outside every timed region: callers run it
 * before a timed loop starts (the main measurement) or right after setting ef_search and before
 * that point's requests (the sweep). One EXPLAIN per query per target, plus one catalogue read of
 * index methods per target.
 *
 * A target whose `plans` capability is `none` gets rows saying "not captured". A failed EXPLAIN
 * is recorded (error, access unknown) and does not stop the run; a lost connection does (exit 3).
 */
export async function recordQueryPlans(
  store: SqliteDb,
  o: { runId: string; scope: QueryPlanRow['scope']; efSearch: number | null; targets: readonly PreparedTarget[]; queries: readonly QueryTemplate[] },
): Promise<{ rows: QueryPlanRow[]; seconds: number }> {
  const w = stopwatch();
  const rows: QueryPlanRow[] = [];
  for (const { target: t, calls } of o.targets) {
    const base = { run_id: o.runId, target: t.id, scope: o.scope, ef_search: o.efSearch };
    const f = planFormatOf(t.module.capabilities);
    // A query not supported on this path has no calls: nothing to explain, no row.
    const runs = (qi: number) => calls[qi]!.length > 0;
    if (!f) {
      for (const [qi, q] of o.queries.entries()) {
        if (runs(qi)) rows.push({ ...base, query_id: q.id, format: 'none', plan: null, index_methods: null, vector_order: 'unknown', access: NOT_CAPTURED, error: null });
      }
      continue;
    }
    // Without the index methods a plan still classifies; the index is then named without its method.
    const methods = await onTarget(t, 'plan capture', () => f.format.indexMethods(t.session)).catch((err: unknown) => {
      if (err instanceof TargetUnavailableError) throw err;
      return {};
    });
    for (const [qi, q] of o.queries.entries()) {
      if (!runs(qi)) continue;
      const first = calls[qi]![0]!;
      try {
        const plan = await onTarget(t, `plan capture (${q.id})`, () => f.format.explain(t.session, first.sql, first.params));
        rows.push({ ...base, query_id: q.id, format: f.id, plan, index_methods: JSON.stringify(methods), ...f.format.classify(plan, methods), error: null });
      } catch (err) {
        if (err instanceof TargetUnavailableError) throw err;
        rows.push({ ...base, query_id: q.id, format: f.id, plan: null, index_methods: JSON.stringify(methods), vector_order: 'unknown', access: 'unknown (capture failed)', error: errorText(err) });
      }
    }
  }
  await writeQueryPlans(store, rows);
  return { rows, seconds: w.seconds() };
}
