import type { AggregateLevel } from '../store/aggregates.js';
import { CATALOGUE } from '../workload/queries.js';
import { isKnn } from '../verify/verification-pass.js';
import type { ReportData } from './report-data.js';

/**
 * Whether a speed comparison between two paths compares like with like. Two paths whose recall@k
 * on an approximate kNN query differs by more than the run's `max_recall_gap` (default 0.05) do
 * different work on it: the faster one may simply be looking at fewer candidates. Every comparison
 * whose scope contains such a query — that query, its category, all queries — is "not comparable"
 * wherever it appears (pairwise tests, gateway overhead, the answer).
 *
 * Runs recorded before this rule (no `max_recall_gap` in their stored config) are never flagged,
 * so their reports re-render byte-identical.
 */
export interface RecallGap {
  query: string;
  a: number;
  b: number;
}

function queriesInScope(level: AggregateLevel, key: string): string[] {
  if (level === 'query') return [key];
  if (level === 'category') return CATALOGUE.filter((q) => q.category === key).map((q) => q.id);
  return CATALOGUE.map((q) => q.id);
}

/** The largest recall gap above the limit between `a` and `b` in the scope, or null when they are comparable. */
export function recallGap(d: ReportData, a: string, b: string, level: AggregateLevel, key: string): RecallGap | null {
  const limit = (d.config as { max_recall_gap?: number }).max_recall_gap;
  if (limit === undefined) return null;
  let worst: RecallGap | null = null;
  for (const q of queriesInScope(level, key)) {
    const template = CATALOGUE.find((t) => t.id === q);
    if (!template || !isKnn(template)) continue;
    const ra = d.verification.find((v) => v.target === a && v.query_id === q)?.mean_recall;
    const rb = d.verification.find((v) => v.target === b && v.query_id === q)?.mean_recall;
    if (ra === null || ra === undefined || rb === null || rb === undefined) continue;
    const gap = Math.abs(ra - rb);
    if (gap > limit && (worst === null || gap > Math.abs(worst.a - worst.b))) worst = { query: q, a: ra, b: rb };
  }
  return worst;
}

/** "NOT COMPARABLE: vector_filter recall@5 0.734 (a) vs 1.000 (b)", or null. */
export function notComparableText(d: ReportData, a: string, b: string, level: AggregateLevel, key: string): string | null {
  const g = recallGap(d, a, b, level, key);
  if (!g) return null;
  return `NOT COMPARABLE: ${g.query} recall@${d.config.k} ${g.a.toFixed(3)} (${a}) vs ${g.b.toFixed(3)} (${b})`;
}

/** Targets whose verdict on a kNN query in the scope is LOW RECALL, with the query. */
export function lowRecallIn(d: ReportData, target: string, level: AggregateLevel, key: string): string[] {
  const scope = new Set(queriesInScope(level, key));
  return d.verification.filter((v) => v.target === target && v.verdict === 'LOW RECALL' && scope.has(v.query_id)).map((v) => v.query_id);
}
