import type { AggregateLevel, AggregateRow, SpectrumRow } from '../store/aggregates.js';
import type { SampleColumns } from '../store/sample-columns.js';
import { groupLatencies, type LatencyGroups } from './latency-groups.js';
import { quantileSorted } from './quantile.js';

/**
 * The aggregates and latency spectrum of one run (definitions in latency-summary.ts), computed
 * from columns in one pass per level instead of through arquero tables, with the same arithmetic
 * in the same order so every figure is bit-identical to the arquero computation it replaces
 * (test/unit/summarize-columns.test.ts checks that on random data):
 *  - mean: arquero's running mean m += (x − m)/k over the successful latencies in start order;
 *  - sums (latency ms, slot ns) in start order; min/max; quantiles of the sorted group
 *    (`quantileSorted`, the same formula as arquero's op.quantile);
 *  - rows per level ordered by target, then key (string order).
 * `leaveOut` (default none): query ids left out of the category and overall rows and the spectrum
 * (each request's wall slot still ends at the next request's start, whatever it was); `groups`
 * must have been built with the same set.
 */
export const SPECTRUM_QUANTILES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1] as const;

const byTargetKey = (a: AggregateRow, b: AggregateRow) => (a.target < b.target ? -1 : a.target > b.target ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function summarizeColumns(
  runId: string,
  cols: SampleColumns,
  groups: LatencyGroups = groupLatencies(cols),
  leaveOut: ReadonlySet<string> = new Set(),
): { aggregates: AggregateRow[]; spectrum: SpectrumRow[] } {
  const n = cols.length;
  if (n === 0) return { aggregates: [], spectrum: [] };
  const T = cols.targets.length;
  const Q = cols.queries.length;
  const categories = [...new Set(cols.queries.map((q) => q.category))];
  const catOf = Uint16Array.from(cols.queries, (q) => categories.indexOf(q.category));
  const C = categories.length;
  const left = Uint8Array.from(cols.queries, (q) => (leaveOut.has(q.id) ? 1 : 0));
  const sizes: Record<AggregateLevel, number> = { query: T * Q, category: T * C, overall: T };
  const groupOf = (level: AggregateLevel, i: number) => {
    const t = cols.target[i]!;
    return level === 'query' ? t * Q + cols.query[i]! : level === 'category' ? t * C + catOf[cols.query[i]!]! : t;
  };
  const aggregates: AggregateRow[] = [];
  for (const level of ['query', 'category', 'overall'] as const) {
    const G = sizes[level];
    const count = new Float64Array(G);
    const okCount = new Float64Array(G);
    const mean = new Float64Array(G);
    const okSum = new Float64Array(G);
    const slotSum = new Float64Array(G);
    const min = new Float64Array(G).fill(Number.POSITIVE_INFINITY);
    const max = new Float64Array(G).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      if (level !== 'query' && left[cols.query[i]!]) continue;
      const g = groupOf(level, i);
      count[g]!++;
      // The last request of the phase occupies just its own latency.
      slotSum[g]! += i + 1 < n ? cols.startNs[i + 1]! - cols.startNs[i]! : cols.elapsedNs[i]!;
      if (cols.ok[i] !== 1) continue;
      const ms = cols.elapsedNs[i]! / 1e6;
      const k = ++okCount[g]!;
      mean[g]! += (ms - mean[g]!) / k;
      okSum[g]! += ms;
      if (ms < min[g]!) min[g] = ms;
      if (ms > max[g]!) max[g] = ms;
    }
    const rows: AggregateRow[] = [];
    for (let g = 0; g < G; g++) {
      if (count[g] === 0) continue;
      const t = level === 'query' ? Math.floor(g / Q) : level === 'category' ? Math.floor(g / C) : g;
      const target = cols.targets[t]!;
      const key = level === 'query' ? cols.queries[g % Q]!.id : level === 'category' ? categories[g % C]! : 'all';
      const category = level === 'query' ? cols.queries[g % Q]!.category : level === 'category' ? key : 'all';
      const sorted = groups.sorted(target, level, key);
      const ok = okCount[g]!;
      const q = (p: number) => (ok > 0 ? quantileSorted(sorted, p) : null);
      rows.push({
        run_id: runId, target, level, key, category,
        count: count[g]!, failed: count[g]! - ok,
        mean_ms: ok > 0 ? mean[g]! : null,
        p50_ms: q(0.5), p95_ms: q(0.95), p99_ms: q(0.99),
        min_ms: ok > 0 ? min[g]! : null, max_ms: ok > 0 ? max[g]! : null,
        qps: ok > 0 && okSum[g]! > 0 ? ok / (okSum[g]! / 1000) : null,
        qps_wall: ok > 0 && slotSum[g]! > 0 ? ok / (slotSum[g]! / 1e9) : null,
      });
    }
    aggregates.push(...rows.sort(byTargetKey));
  }
  // Targets in the order they first appear (as arquero's groupby listed them).
  const firstSeen: number[] = [];
  const seen = new Uint8Array(T);
  for (let i = 0; i < n && firstSeen.length < T; i++) if (!seen[cols.target[i]!]) (seen[cols.target[i]!] = 1, firstSeen.push(cols.target[i]!));
  const spectrum: SpectrumRow[] = [];
  for (const t of firstSeen) {
    const sorted = groups.sorted(cols.targets[t]!, 'overall', 'all');
    if (sorted.length === 0) continue;
    for (const quantile of SPECTRUM_QUANTILES) spectrum.push({ run_id: runId, target: cols.targets[t]!, quantile, latency_ms: quantileSorted(sorted, quantile) });
  }
  return { aggregates, spectrum };
}
