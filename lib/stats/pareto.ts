/**
 * Recall–QPS trade-off curves: the Pareto frontier of (recall, QPS) points and QPS / p99 read off
 * it at a given recall, so access paths are compared at matched recall.
 *
 * Recall levels are compared with a tolerance of RECALL_EPS: a mean recall is a sum of fractions
 * (hits / k) divided by a count, so a mean that is 0.9 on paper may be 0.8999999999999999 in floats.
 */
export const RECALL_EPS = 1e-9;

export interface CurvePoint {
  recall: number;
  qps: number;
  p99_ms: number | null;
  /** The ef_search value measured; null = the engine's default (not tunable). */
  ef_search: number | null;
  /**
   * True when the point's plan shows the query was NOT served by the vector index (the planner
   * chose an exact scan + sort, as PostgreSQL does from ef_search 640 on at 10,000 rows). Absent
   * or false: served by the index, or plan unknown (not captured).
   */
  exact?: boolean;
}

/**
 * The non-dominated points, in recall↑ and QPS↑: a point is dominated when another has recall and
 * QPS at least as high and one of them strictly higher. Points identical in both survive together
 * (neither dominates the other). Returned in ascending recall; along a frontier QPS then falls (or
 * stays equal); ties are ordered by descending QPS, then ascending ef_search (null first).
 *
 * Points marked `exact` take no part — neither on the frontier nor dominating others — so the
 * frontier, and every figure atRecall() reads off it, describes the vector index alone: an exact
 * scan's recall 1.0 is not something HNSW achieved at that ef_search, and interpolating towards it
 * would credit the index with it. (They stay in the points table, marked, on the chart too.)
 */
export function paretoFrontier<P extends CurvePoint>(all: readonly P[]): P[] {
  const points = all.filter((p) => !p.exact);
  const dominated = (p: P) => points.some((q) => q.recall >= p.recall && q.qps >= p.qps && (q.recall > p.recall || q.qps > p.qps));
  return points.filter((p) => !dominated(p)).sort((a, b) => a.recall - b.recall || b.qps - a.qps || efOrder(a.ef_search) - efOrder(b.ef_search));
}

const efOrder = (ef: number | null) => (ef === null ? -1 : ef);

/**
 * How a figure at a recall level was obtained:
 *  - `interpolated`: between the two adjacent frontier points around the level, linear in recall;
 *  - `at a point`: a frontier point has exactly this recall (within RECALL_EPS);
 *  - `above level`: every frontier point's recall exceeds the level — the figures are the fastest
 *    (lowest-recall) point's, a configuration that meets the level; nothing is extrapolated below it;
 *  - `not reached`: the frontier's highest recall is below the level (no extrapolation upwards).
 */
export type MatchStatus = 'interpolated' | 'at a point' | 'above level' | 'not reached';

export interface MatchedRecall {
  level: number;
  qps: number | null;
  p99_ms: number | null;
  status: MatchStatus;
  /** ef_search of the frontier point(s) used: the lower- and higher-recall neighbour (equal when one point). */
  low_ef: number | null;
  high_ef: number | null;
}

/**
 * QPS and p99 at `level` along a frontier (as paretoFrontier returns it). Of frontier points tied
 * in recall (hence in QPS), the first in frontier order is used. p99 is interpolated between the
 * same two points as QPS; it is null when either of them has none.
 */
export function atRecall(frontier: readonly CurvePoint[], level: number): MatchedRecall {
  const f = frontier.filter((p, i) => i === 0 || Math.abs(p.recall - frontier[i - 1]!.recall) > RECALL_EPS);
  const none: MatchedRecall = { level, qps: null, p99_ms: null, status: 'not reached', low_ef: null, high_ef: null };
  if (f.length === 0 || f[f.length - 1]!.recall < level - RECALL_EPS) return none;
  const point = (p: CurvePoint, status: MatchStatus): MatchedRecall => ({ level, qps: p.qps, p99_ms: p.p99_ms, status, low_ef: p.ef_search, high_ef: p.ef_search });
  const exact = f.find((p) => Math.abs(p.recall - level) <= RECALL_EPS);
  if (exact) return point(exact, 'at a point');
  if (f[0]!.recall > level) return point(f[0]!, 'above level');
  const i = f.findIndex((p, j) => j + 1 < f.length && p.recall < level && f[j + 1]!.recall > level);
  const lo = f[i]!;
  const hi = f[i + 1]!;
  const t = (level - lo.recall) / (hi.recall - lo.recall);
  const lerp = (a: number, b: number) => a + t * (b - a);
  return {
    level,
    qps: lerp(lo.qps, hi.qps),
    p99_ms: lo.p99_ms === null || hi.p99_ms === null ? null : lerp(lo.p99_ms, hi.p99_ms),
    status: 'interpolated',
    low_ef: lo.ef_search,
    high_ef: hi.ef_search,
  };
}

/** The recall levels the report compares paths at. */
export const MATCHED_RECALL_LEVELS = [0.9, 0.95, 0.99] as const;
