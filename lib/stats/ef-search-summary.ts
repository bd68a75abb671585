import type { EfSearchBlockRow, EfSearchMatchedRow, EfSearchPointRow, EfSearchRecallRow, EfSearchSampleRow } from '../store/ef-search.js';
import type { QueryPlanRow } from '../store/query-plans.js';
import { knownNotVectorIndex } from '../targets/plan-access.js';
import { MATCHED_RECALL_LEVELS, atRecall, paretoFrontier, type CurvePoint } from './pareto.js';
import { quantileSorted } from './quantile.js';

const key = (target: string, query: string, ef: number | null) => `${target}\u0000${query}\u0000${ef === null ? 'default' : ef}`;

/**
 * The ef_search sweep's derived tables, from its raw rows only (no database, deterministic):
 *  - one point per block (target × query × ef_search): requests, failed, recall mean/min over the
 *    scored requests of the recall pass, p50/p99 of the successful timed latencies (numpy-linear),
 *    QPS = successful timed requests ÷ the block's wall time, and whether the point is on the
 *    target × query's Pareto frontier (recall↑, QPS↑; points without recall or QPS take no part);
 *  - QPS and p99 at recall 0.90 / 0.95 / 0.99 read off that frontier (lib/stats/pareto.ts).
 * Each point carries the access method of its captured plan (query_plans, scope ef_search; null
 * when the run has none); a point whose plan shows no vector index is left off the frontier.
 */
export function summarizeEfSearch(
  runId: string,
  samples: readonly EfSearchSampleRow[],
  blocks: readonly EfSearchBlockRow[],
  recalls: readonly EfSearchRecallRow[],
  plans: readonly QueryPlanRow[] = [],
): { points: EfSearchPointRow[]; matched: EfSearchMatchedRow[] } {
  const planOf = new Map(plans.filter((p) => p.scope === 'ef_search').map((p) => [key(p.target, p.query_id, p.ef_search), p]));
  const latencies = new Map<string, number[]>();
  const failed = new Map<string, number>();
  for (const s of samples) {
    const k = key(s.target, s.query_id, s.ef_search);
    if (s.ok === 1) (latencies.get(k) ?? latencies.set(k, []).get(k)!).push(s.elapsed_ns / 1e6);
    else failed.set(k, (failed.get(k) ?? 0) + 1);
  }
  const scored = new Map<string, number[]>();
  for (const r of recalls) {
    if (r.recall === null) continue;
    const k = key(r.target, r.query_id, r.ef_search);
    (scored.get(k) ?? scored.set(k, []).get(k)!).push(r.recall);
  }

  const points: EfSearchPointRow[] = blocks.map((b) => {
    const k = key(b.target, b.query_id, b.ef_search);
    const ok = (latencies.get(k) ?? []).sort((x, y) => x - y);
    const rs = scored.get(k) ?? [];
    return {
      run_id: runId, target: b.target, query_id: b.query_id, ef_search: b.ef_search, ef_tunable: b.ef_tunable,
      requests: ok.length + (failed.get(k) ?? 0), failed: failed.get(k) ?? 0,
      recall_n: rs.length,
      recall_mean: rs.length ? rs.reduce((a, x) => a + x, 0) / rs.length : null,
      recall_min: rs.length ? Math.min(...rs) : null,
      p50_ms: ok.length ? quantileSorted(ok, 0.5) : null,
      p99_ms: ok.length ? quantileSorted(ok, 0.99) : null,
      qps: ok.length && b.wall_ns > 0 ? ok.length / (b.wall_ns / 1e9) : null,
      on_frontier: 0,
      vector_order: planOf.get(k)?.vector_order ?? null,
      access: planOf.get(k)?.access ?? null,
    };
  });

  const matched: EfSearchMatchedRow[] = [];
  const curves = new Map<string, EfSearchPointRow[]>();
  for (const p of points) {
    const k = `${p.target}\u0000${p.query_id}`;
    (curves.get(k) ?? curves.set(k, []).get(k)!).push(p);
  }
  for (const curve of curves.values()) {
    const eligible = curve.filter((p) => p.recall_mean !== null && p.qps !== null);
    const asCurve = eligible.map((p) => ({ recall: p.recall_mean!, qps: p.qps!, p99_ms: p.p99_ms, ef_search: p.ef_search, exact: knownNotVectorIndex(p), row: p }));
    const frontier = paretoFrontier(asCurve);
    for (const f of frontier) f.row.on_frontier = 1;
    const { target, query_id } = curve[0]!;
    for (const level of MATCHED_RECALL_LEVELS) {
      const m = atRecall(frontier as CurvePoint[], level);
      matched.push({ run_id: runId, target, query_id, recall_level: level, qps: m.qps, p99_ms: m.p99_ms, status: m.status, low_ef: m.low_ef, high_ef: m.high_ef });
    }
  }
  return { points, matched };
}
