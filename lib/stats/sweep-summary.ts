import type { SweepAggregateRow, SweepLevelRow, SweepSampleRow } from '../store/sweep.js';
import { quantileSorted } from './quantile.js';

/**
 * Per target × concurrency level × (category | 'all'): count, failed, p50/p99 of the successful
 * latencies (numpy-linear), and wall-clock QPS = successful requests ÷ the level's wall time —
 * the throughput C clients achieved together.
 */
export function summarizeSweep(runId: string, samples: readonly SweepSampleRow[], levels: readonly SweepLevelRow[]): SweepAggregateRow[] {
  const out: SweepAggregateRow[] = [];
  for (const l of levels) {
    const mine = samples.filter((s) => s.target === l.target && s.concurrency === l.concurrency);
    const scopes = ['all', ...new Set(mine.map((s) => s.category))];
    for (const scope of scopes) {
      const rows = scope === 'all' ? mine : mine.filter((s) => s.category === scope);
      const ok = rows.filter((s) => s.ok === 1).map((s) => s.elapsed_ns / 1e6).sort((a, b) => a - b);
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
