import { NOT_CAPTURED } from '../targets/plan-access.js';
import { planWarnings } from '../verify/plan-warnings.js';
import { QUERY_IDS } from '../workload/queries.js';
import { targetOrder, type ReportData } from './report-data.js';
import { textTable } from './text-table.js';

/**
 * The query plans of the main measurement (query_plans, scope 'measure'), shared by table.txt,
 * results.json and the HTML report. Read from the store only; nothing re-planned here.
 */

export const PLAN_DEFINITION =
  "how the target's planner served each query, from its plan for the parameters of the query's first timed request " +
  '(captured untimed on the measuring session with its settings in force): index: <name> (<method>) when an index returns rows in distance order, ' +
  '<scan> + sort when the rows are scored and sorted (exact), the scans used for queries without vector ordering; "not captured" where the target cannot report plans (IRIS)';

export const mainPlans = (d: ReportData) => (d.plans ?? []).filter((p) => p.scope === 'measure');

/** Warning lines for the main measurement (empty when every plan matches what its query is meant to measure). */
export function mainPlanWarnings(d: ReportData): string[] {
  return planWarnings(mainPlans(d));
}

/** Query × target → access method, in catalogue and run order. */
function grid(d: ReportData): { targets: string[]; rows: { query: string; cells: string[] }[] } {
  const plans = mainPlans(d);
  const targets = targetOrder(d).filter((t) => plans.some((p) => p.target === t));
  const rows = QUERY_IDS.filter((q) => plans.some((p) => p.query_id === q)).map((q) => ({
    query: q,
    cells: targets.map((t) => {
      const p = plans.find((x) => x.target === t && x.query_id === q);
      return p ? p.access : NOT_CAPTURED;
    }),
  }));
  return { targets, rows };
}

/** table.txt lines (empty when the run recorded no plans: runs from before plan capture). */
export function queryPlanTableLines(d: ReportData): string[] {
  const g = grid(d);
  if (g.rows.length === 0) return [];
  return [
    '',
    `Query plans (main measurement, hnsw.ef_search=${d.config.hnsw.ef_search}; the plan of each query's first timed request, captured untimed)`,
    textTable(['Query', ...g.targets], g.rows.map((r) => [r.query, ...r.cells]), [0, ...g.targets.map((_, i) => i + 1)], '  '),
  ];
}

/** results.json → query_plans (null when the run recorded none). Raw plans stay in the store (make export). */
export function queryPlansJson(d: ReportData): Record<string, unknown> | null {
  const plans = mainPlans(d);
  if (plans.length === 0) return null;
  const order = targetOrder(d);
  return {
    warnings: mainPlanWarnings(d),
    rows: [...plans]
      .sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target) || QUERY_IDS.indexOf(a.query_id as never) - QUERY_IDS.indexOf(b.query_id as never))
      .map((p) => ({ target: p.target, query: p.query_id, vector_order: p.vector_order, access: p.access, format: p.format, error: p.error })),
    definition: PLAN_DEFINITION,
  };
}

/** For the HTML report: the same grid. */
export const queryPlanGrid = grid;
