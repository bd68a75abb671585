import type { VerificationRow, VerificationSummaryRow } from '../store/verifications.js';
import { CATALOGUE } from '../workload/queries.js';
import { isKnn } from './verification-pass.js';

/**
 * Verdicts from the raw verification rows (derived; recomputed by aggregate).
 *  - mismatch: for deterministic queries, an iteration whose result hash differs from the
 *    majority of targets (with two targets that disagree, both are marked).
 *  - wrong neighbours: an exact kNN query (deterministic) whose mean recall is below 0.99.
 *  - recall collapse: an approximate kNN query whose mean recall is below half the best target's,
 *    or more than 0.3 below it — e.g. a reversed ORDER BY returning the least similar rows.
 *  - LOW RECALL: an approximate kNN query whose mean recall is below the run's `min_recall` (only
 *    for runs that recorded one: runs from before it existed keep their verdicts).
 */
export const LOW_RECALL = 'LOW RECALL';
export const EXACT_RECALL_FLOOR = 0.99;
export const COLLAPSE_RATIO = 0.5;
export const COLLAPSE_GAP = 0.3;

export function summarizeVerifications(runId: string, rows: readonly VerificationRow[], targetOrder: readonly string[], minRecall?: number): VerificationSummaryRow[] {
  const out: VerificationSummaryRow[] = [];
  for (const q of CATALOGUE) {
    const qRows = rows.filter((r) => r.query_id === q.id);
    if (qRows.length === 0) continue;
    const byIter = new Map<number, VerificationRow[]>();
    for (const r of qRows) byIter.set(r.iteration, [...(byIter.get(r.iteration) ?? []), r]);
    const mismatches = new Map<string, number>(targetOrder.map((t) => [t, 0]));
    if (q.deterministic) {
      for (const group of byIter.values()) {
        const counts = new Map<string, number>();
        for (const r of group) if (r.result_hash) counts.set(r.result_hash, (counts.get(r.result_hash) ?? 0) + 1);
        const best = Math.max(0, ...counts.values());
        const majority = [...counts.entries()].filter(([, n]) => n === best);
        const unique = majority.length === 1 ? majority[0]![0] : undefined;
        for (const r of group) if (r.result_hash && r.result_hash !== unique && counts.size > 1) mismatches.set(r.target, (mismatches.get(r.target) ?? 0) + 1);
      }
    }
    const stats = targetOrder.map((t) => {
      const mine = qRows.filter((r) => r.target === t);
      const recalls = mine.map((r) => r.recall).filter((x): x is number => x !== null);
      return {
        target: t,
        checked: mine.length,
        errors: mine.filter((r) => r.error !== null).length,
        mean: recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : null,
        min: recalls.length ? Math.min(...recalls) : null,
      };
    });
    const bestRecall = Math.max(...stats.map((s) => s.mean ?? -1));
    for (const s of stats) {
      if (s.checked === 0) continue;
      let verdict = 'ok';
      if (s.errors > 0) verdict = 'errors';
      else if ((mismatches.get(s.target) ?? 0) > 0) verdict = 'mismatch';
      else if (isKnn(q) && q.deterministic && s.mean !== null && s.mean < EXACT_RECALL_FLOOR) verdict = 'wrong neighbours';
      else if (isKnn(q) && !q.deterministic && s.mean !== null && bestRecall > 0 && (s.mean < bestRecall * COLLAPSE_RATIO || bestRecall - s.mean > COLLAPSE_GAP)) verdict = 'recall collapse';
      else if (isKnn(q) && !q.deterministic && s.mean !== null && minRecall !== undefined && s.mean < minRecall) verdict = LOW_RECALL;
      out.push({
        run_id: runId, target: s.target, query_id: q.id, checked: s.checked, errors: s.errors,
        mismatches: mismatches.get(s.target) ?? 0, mean_recall: s.mean, min_recall: s.min, verdict,
      });
    }
  }
  return out;
}
