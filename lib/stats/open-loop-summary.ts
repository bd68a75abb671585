import type { OpenLoopAggregateRow, OpenLoopLevelRow, OpenLoopSampleRow, OpenLoopVerdictRow } from '../store/open-loop.js';
import { quantileSorted } from './quantile.js';
import { queueWait } from './queue-wait.js';

/** Scope prefix of a per-query row (runs with rate_mix): `query:vector_cosine`. */
export const QUERY_SCOPE = 'query:';

/**
 * Per target × offered rate × (category | 'all' | with perQuery — runs with rate_mix — each query
 * as `query:<id>`), from the stored samples only:
 * - scheduled, completed (sent and finished), failed, late, dropped — counts of the stored flags;
 * - achieved rate = successful requests ÷ max(the schedule's span, the level's wall time from its
 *   origin to the last completion): an overloaded level that overruns its span is charged for it;
 * - p50/p99 of the corrected latency (end − intended) and of the service time (end − start) of
 *   the successful requests, with the project's quantile (lib/stats/quantile.ts);
 * - queued and the wait before start of the sent requests (lib/stats/queue-wait.ts).
 */
export function summarizeOpenLoop(runId: string, samples: readonly OpenLoopSampleRow[], levels: readonly OpenLoopLevelRow[], perQuery = false): OpenLoopAggregateRow[] {
  const byLevel = new Map<string, OpenLoopSampleRow[]>();
  for (const s of samples) {
    const key = `${s.target}\u0000${s.offered_rate}`;
    let list = byLevel.get(key);
    if (!list) byLevel.set(key, (list = []));
    list.push(s);
  }
  const out: OpenLoopAggregateRow[] = [];
  for (const l of levels) {
    const mine = byLevel.get(`${l.target}\u0000${l.offered_rate}`) ?? [];
    const scopes = ['all', ...[...new Set(mine.map((s) => s.category))].sort()];
    if (perQuery) scopes.push(...[...new Set(mine.map((s) => s.query_id))].sort().map((id) => `${QUERY_SCOPE}${id}`));
    for (const scope of scopes) {
      const rows =
        scope === 'all' ? mine : scope.startsWith(QUERY_SCOPE) ? mine.filter((s) => s.query_id === scope.slice(QUERY_SCOPE.length)) : mine.filter((s) => s.category === scope);
      const ok = rows.filter((s) => s.ok === 1);
      const corrected = ok.map((s) => (s.end_ns! - s.intended_ns) / 1e6).sort((a, b) => a - b);
      const service = ok.map((s) => (s.end_ns! - s.start_ns!) / 1e6).sort((a, b) => a - b);
      const q = (xs: number[], p: number) => (xs.length ? quantileSorted(xs, p) : null);
      out.push({
        run_id: runId, target: l.target, offered_rate: l.offered_rate, scope,
        scheduled: rows.length,
        completed: rows.filter((s) => s.ok !== null).length,
        failed: rows.filter((s) => s.ok === 0).length,
        late: rows.filter((s) => s.late === 1).length,
        dropped: rows.filter((s) => s.dropped === 1).length,
        achieved_rate: ok.length && Math.max(l.wall_ns, l.span_ns) > 0 ? ok.length / (Math.max(l.wall_ns, l.span_ns) / 1e9) : null,
        p50_ms: q(corrected, 0.5), p99_ms: q(corrected, 0.99),
        service_p50_ms: q(service, 0.5), service_p99_ms: q(service, 0.99),
        sessions: l.sessions, concurrent_sessions: l.concurrent_sessions,
        ...queueWait(rows),
      });
    }
  }
  return out;
}

/**
 * The SLO verdict per target × scope: the highest offered rate whose level meets the objective —
 * corrected p99 ≤ slo_p99_ms, nothing dropped, nothing failed, every scheduled request sent. null
 * ("none") when no tested rate meets it. The detail lists every rate that did not, with why, so a
 * rate that passes above a failing one (noise) is visible.
 */
export function openLoopVerdicts(runId: string, rows: readonly OpenLoopAggregateRow[], sloP99Ms: number): OpenLoopVerdictRow[] {
  const groups = new Map<string, OpenLoopAggregateRow[]>();
  for (const r of rows) {
    const key = `${r.target}\u0000${r.scope}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(r);
  }
  const out: OpenLoopVerdictRow[] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort((a, b) => a.offered_rate - b.offered_rate);
    let sustained: number | null = null;
    const misses: string[] = [];
    for (const r of sorted) {
      const why = sloMiss(r, sloP99Ms);
      if (why === null) sustained = r.offered_rate;
      else misses.push(`${fmtRate(r.offered_rate)}: ${why}`);
    }
    out.push({ run_id: runId, target: sorted[0]!.target, scope: sorted[0]!.scope, slo_p99_ms: sloP99Ms, sustained_rate: sustained, detail: misses.join('; ') });
  }
  return out.sort((a, b) => (a.target === b.target ? a.scope.localeCompare(b.scope) : a.target.localeCompare(b.target)));
}

/** Why a level misses the SLO, or null when it meets it. */
export function sloMiss(r: OpenLoopAggregateRow, sloP99Ms: number): string | null {
  const why: string[] = [];
  if (r.dropped > 0) why.push(`${r.dropped} dropped`);
  if (r.failed > 0) why.push(`${r.failed} failed`);
  const unsent = r.scheduled - r.completed - r.dropped;
  if (unsent > 0) why.push(`${unsent} not sent`);
  if (r.p99_ms === null) why.push('no successful request');
  else if (r.p99_ms > sloP99Ms) why.push(`p99 ${r.p99_ms.toFixed(1)} ms`);
  return why.length ? why.join(', ') : null;
}

export function fmtRate(r: number): string {
  return `${Number.isInteger(r) ? r : r.toFixed(2)}/s`;
}
