import type { SweepAggregateRow, SweepLevelRow, SweepSampleRow } from '../store/sweep.js';
import { quantileSorted } from './quantile.js';

/**
 * Per target × concurrency level × (category | 'all'): count, failed, p50/p99 of the successful
 * latencies (numpy-linear), and wall-clock QPS = successful requests ÷ the level's wall time —
 * the throughput C clients achieved together.
 */
export function summarizeSweep(runId: string, samples: readonly SweepSampleRow[], levels: readonly SweepLevelRow[]): SweepAggregateRow[] {
  // One pass to group (was a filter per level and scope: quadratic in the sweep's size).
  const byLevel = new Map<string, SweepSampleRow[]>();
  for (const s of samples) {
    const k = `${s.target}\u0000${s.concurrency}`;
    let list = byLevel.get(k);
    if (!list) byLevel.set(k, (list = []));
    list.push(s);
  }
  const out: SweepAggregateRow[] = [];
  for (const l of levels) {
    const mine = byLevel.get(`${l.target}\u0000${l.concurrency}`) ?? [];
    const byScope = new Map<string, SweepSampleRow[]>([['all', mine]]);
    for (const s of mine) {
      let list = byScope.get(s.category);
      if (!list) byScope.set(s.category, (list = []));
      list.push(s);
    }
    for (const [scope, rows] of byScope) {
      const ok = Float64Array.from(rows.filter((s) => s.ok === 1), (s) => s.elapsed_ns / 1e6).sort();
      out.push({
        run_id: runId, target: l.target, concurrency: l.concurrency, scope, count: rows.length, failed: rows.length - ok.length,
        p50_ms: ok.length ? quantileSorted(ok, 0.5) : null,
        p99_ms: ok.length ? quantileSorted(ok, 0.99) : null,
        qps_wall: ok.length && l.wall_ns > 0 ? ok.length / (l.wall_ns / 1e9) : null,
        concurrent_sessions: l.concurrent_sessions,
      });
    }
  }
  return out;
}
