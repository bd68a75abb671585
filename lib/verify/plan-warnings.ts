import type { QueryPlanRow } from '../store/query-plans.js';
import { knownNotVectorIndex } from '../targets/plan-access.js';
import { QUERIES, type QueryTemplate } from '../workload/queries.js';

/**
 * Plans that contradict what a query is meant to measure, one line each:
 *  - an approximate kNN query (query vector, not deterministic: vector_cosine, vector_filter) whose
 *    plan shows no vector index — it returned exact results by a scan + sort, so its latency and
 *    recall are not the index's;
 *  - an exact kNN query (query vector, deterministic: vector_l2, vector_inner_product) served by
 *    an approximate index — its results would not be exact.
 * Plans not captured (`unknown`) give no line: the plans table says "not captured".
 */
export function planWarnings(rows: readonly QueryPlanRow[], queries: readonly QueryTemplate[] = QUERIES): string[] {
  return rows.flatMap((r) => {
    const q = queries.find((x) => x.id === r.query_id);
    if (!q || !q.params.includes('query_vector')) return [];
    const at = r.scope === 'ef_search' ? ` at ef_search ${r.ef_search ?? 'default'}` : '';
    if (!q.deterministic && knownNotVectorIndex(r)) return [`${r.target} / ${r.query_id}${at}: NOT SERVED BY THE VECTOR INDEX — plan: ${r.access}. These are exact results, not the index's.`];
    if (q.deterministic && r.vector_order === 'index') return [`${r.target} / ${r.query_id}${at}: AN EXACT QUERY SERVED BY AN APPROXIMATE INDEX — plan: ${r.access}. Its results may not be exact.`];
    return [];
  });
}
