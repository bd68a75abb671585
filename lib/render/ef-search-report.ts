import type { EfSearchMatchedRow, EfSearchPointRow } from '../store/ef-search.js';
import { knownNotVectorIndex } from '../targets/plan-access.js';
import { EXACT_SCAN_LABEL, NOT_TUNABLE_LABEL } from './charts/recall-qps.js';
import { targetOrder, type ReportData } from './report-data.js';
import { textTable } from './text-table.js';

/**
 * The ef_search sweep in words and numbers, shared by table.txt, results.json and the HTML report
 * (all from the derived tables ef_search_points / ef_search_matched; nothing recomputed here).
 */

export const EF_SEARCH_DEFINITIONS = {
  point:
    'one target × query × ef_search: the untimed recall pass, then the same parameters as timed requests, one client back to back on the measuring session',
  recall: 'mean and minimum recall@k of the recall pass against the exact ground truth',
  qps: 'successful timed requests / wall time of the block (first start to last end, the harness between requests included)',
  frontier: 'non-dominated points of a target × query in (recall ↑, QPS ↑): no other point has recall and QPS at least as high, one strictly',
  matched_recall:
    'QPS and p99 at recall 0.90 / 0.95 / 0.99 along the frontier: linear in recall between the two adjacent frontier points (interpolated); ' +
    'a frontier point at exactly the level (at a point); the fastest frontier point when every point exceeds the level (above level — no extrapolation below it); ' +
    'null when the frontier never reaches the level (not reached — no extrapolation above it)',
  plan:
    `the access method in the point's plan (EXPLAIN with the parameters of its first timed request, captured untimed after setting ef_search); ` +
    `a point whose plan shows no vector index ("${EXACT_SCAN_LABEL}", e.g. seq scan + sort) measured an exact scan, not HNSW: it is marked, and left off the frontier and out of every matched-recall figure; ` +
    `"not captured" where the target cannot report plans (IRIS), such points are kept`,
  not_tunable: `a target that cannot set ef_search at query time (IRIS SQL) is measured once at its engine default, ef_search null, shown as "${NOT_TUNABLE_LABEL}"`,
} as const;

export const efLabel = (ef: number | null) => (ef === null ? NOT_TUNABLE_LABEL : String(ef));
const f3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const f1 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
/** The Plan cell of a point: its access method, upper-case EXACT when no vector index served it. */
export function planCell(p: EfSearchPointRow): string {
  if (p.access === null || p.access === undefined) return 'n/a';
  return knownNotVectorIndex(p) ? `EXACT: ${p.access}` : p.access;
}
/** Round for presentation only (as results-json.ts does); the store keeps full precision. */
const r = (x: number | null, digits: number) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** Points in the run's target order, then query, then ef_search (the default first). */
export function orderedPoints(d: ReportData): EfSearchPointRow[] {
  const order = targetOrder(d);
  return [...d.efSearch.points].sort(
    (a, b) => order.indexOf(a.target) - order.indexOf(b.target) || a.query_id.localeCompare(b.query_id) || (a.ef_search ?? -1) - (b.ef_search ?? -1),
  );
}

export function orderedMatched(d: ReportData): EfSearchMatchedRow[] {
  const order = targetOrder(d);
  return [...d.efSearch.matched].sort((a, b) => a.query_id.localeCompare(b.query_id) || a.recall_level - b.recall_level || order.indexOf(a.target) - order.indexOf(b.target));
}

/** How a matched figure was obtained, for people: "interpolated, ef 80–160", "at ef 40", "not reached". */
export function matchedHow(m: EfSearchMatchedRow): string {
  switch (m.status) {
    case 'interpolated':
      return `interpolated, ef ${efLabel(m.low_ef)}–${efLabel(m.high_ef)}`;
    case 'at a point':
      return `at ef ${efLabel(m.low_ef)}`;
    case 'above level':
      return `above level: fastest point, ef ${efLabel(m.low_ef)}`;
    default:
      return m.status;
  }
}

/** table.txt lines (empty when the run had no ef_search sweep). */
export function efSearchTableLines(d: ReportData): string[] {
  if (d.efSearch.points.length === 0) return [];
  const c = d.config;
  const points = orderedPoints(d).map((p) => [
    p.target, p.query_id, efLabel(p.ef_search), f3(p.recall_mean), f3(p.recall_min), f1(p.qps), f3(p.p50_ms), f3(p.p99_ms), String(p.failed), p.on_frontier ? 'yes' : '', planCell(p),
  ]);
  const exact = d.efSearch.points.filter(knownNotVectorIndex);
  const matched = orderedMatched(d).map((m) => [m.query_id, m.recall_level.toFixed(2), m.target, f1(m.qps), f3(m.p99_ms), matchedHow(m)]);
  return [
    '',
    `ef_search sweep (${c.ef_search_requests ?? '?'} timed requests per point after an untimed recall pass over the same parameters; one client; ` +
      `recall@${c.k}; the main measurement ran at hnsw.ef_search=${c.hnsw.ef_search})`,
    textTable(['Method', 'Query', 'ef_search', 'Recall mean', 'Recall min', 'QPS', 'P50 (ms)', 'P99 (ms)', 'Failed', 'Frontier', 'Plan'], points, [0, 1, 9, 10], '  '),
    ...(exact.length
      ? [`  !!! ${exact.length} point(s) marked EXACT were not served by the vector index (the planner chose an exact scan): their recall is not HNSW's; they are left off the frontier and out of the figures below.`]
      : []),
    '',
    '  At matched recall, along each target\'s frontier (linear in recall between adjacent frontier points; no extrapolation)',
    textTable(['Query', 'Recall', 'Method', 'QPS', 'P99 (ms)', 'How'], matched, [0, 2, 5], '  '),
    ...(d.efSearch.points.some((p) => p.ef_tunable === 0) ? [`  "${NOT_TUNABLE_LABEL}": ${EF_SEARCH_DEFINITIONS.not_tunable}.`] : []),
  ];
}

/** results.json → ef_search_sweep (null when the run had none). */
export function efSearchJson(d: ReportData): Record<string, unknown> | null {
  if (d.efSearch.points.length === 0) return null;
  return {
    values: d.config.ef_search ?? [],
    requests_per_point: d.config.ef_search_requests ?? null,
    k: d.config.k,
    main_measurement_ef_search: d.config.hnsw.ef_search,
    points: orderedPoints(d).map((p) => ({
      target: p.target, query: p.query_id, ef_search: p.ef_search, ef_search_tunable: p.ef_tunable === 1,
      requests: p.requests, failed: p.failed, recall_scored: p.recall_n,
      recall_mean: r(p.recall_mean, 4), recall_min: r(p.recall_min, 4),
      qps: r(p.qps, 1), latency_p50_ms: r(p.p50_ms, 3), latency_p99_ms: r(p.p99_ms, 3), on_frontier: p.on_frontier === 1,
      plan: p.access === null || p.access === undefined ? null : { vector_order: p.vector_order ?? null, access: p.access, served_by_vector_index: p.vector_order === 'index' ? true : knownNotVectorIndex(p) ? false : null },
    })),
    points_not_served_by_vector_index: orderedPoints(d).filter(knownNotVectorIndex).map((p) => ({ target: p.target, query: p.query_id, ef_search: p.ef_search, access: p.access })),
    matched_recall: orderedMatched(d).map((m) => ({
      target: m.target, query: m.query_id, recall: m.recall_level, qps: r(m.qps, 1), latency_p99_ms: r(m.p99_ms, 3), status: m.status, ef_from: m.low_ef, ef_to: m.high_ef,
    })),
    definitions: EF_SEARCH_DEFINITIONS,
  };
}
