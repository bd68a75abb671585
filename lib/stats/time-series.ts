import type { SampleColumns } from '../store/sample-columns.js';
import { seriesRows, type TimeSeriesColumns, type TimeSeriesRow } from '../store/time-series.js';
import { quantileSorted } from './quantile.js';

/**
 * Per-second stability of the main measurement: per target × scope (each category, and 'all'),
 * per bucket of `widthS` seconds of the phase clock (start_ns = 0 at the phase origin):
 *  - a request belongs to the bucket in which it COMPLETED (start_ns + elapsed_ns), failed or not;
 *  - qps = successful completions ÷ the seconds the bucket covers of the phase — widthS, except
 *    the last bucket, which ends with the phase's last completion;
 *  - p50/p99 = quantileSorted (numpy-linear, as everywhere) of the bucket's successful latencies;
 *    null in a bucket without any.
 * The series is dense: a bucket where a target completed nothing is a row with count 0 and
 * qps 0 (a stall must show as a dip, not as a line drawn across it). Cost: one pass to count,
 * one to place values, one sort per bucket — O(n log(n / buckets)).
 */
export function timeSeries(runId: string, cols: SampleColumns, widthS = 1): TimeSeriesRow[] {
  return timeSeriesColumns(runId, cols, widthS).flatMap(seriesRows);
}

/**
 * The same series as timeSeries(), one object per target × scope with its buckets as arrays —
 * what the store keeps. A long run has ~10⁵ buckets (12,000 s × 3 targets × 4 scopes), and no
 * object is built per bucket (nor grouped back into series before storing).
 */
export function timeSeriesColumns(runId: string, cols: SampleColumns, widthS = 1): TimeSeriesColumns[] {
  const n = cols.length;
  if (n === 0) return [];
  const widthNs = widthS * 1e9;
  let endNs = 0;
  for (let i = 0; i < n; i++) endNs = Math.max(endNs, cols.startNs[i]! + cols.elapsedNs[i]!);
  const B = Math.max(1, Math.ceil(endNs / widthNs));
  const categories = [...new Set(cols.queries.map((q) => q.category))];
  const catOf = Uint16Array.from(cols.queries, (q) => categories.indexOf(q.category));
  const S = categories.length + 1; // scope 0 = 'all', 1 + c = category c
  const T = cols.targets.length;
  const cells = T * S * B; // cell = (target · S + scope) · B + bucket
  const count = new Uint32Array(cells);
  const okCount = new Uint32Array(cells + 1);
  const bucketOf = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.min(B - 1, Math.floor((cols.startNs[i]! + cols.elapsedNs[i]!) / widthNs));
    bucketOf[i] = b;
    const t = cols.target[i]!;
    const all = t * S * B + b;
    const cat = (t * S + 1 + catOf[cols.query[i]!]!) * B + b;
    count[all]!++;
    count[cat]!++;
    if (cols.ok[i] === 1) (okCount[all]!++, okCount[cat]!++);
  }
  // Successful latencies of every cell, contiguous: offsets by prefix sum, then filled and sorted.
  const offset = new Uint32Array(cells + 1);
  for (let c = 0; c < cells; c++) offset[c + 1] = offset[c]! + okCount[c]!;
  const values = new Float64Array(offset[cells]!);
  const fill = offset.slice(0, cells);
  for (let i = 0; i < n; i++) {
    if (cols.ok[i] !== 1) continue;
    const t = cols.target[i]!;
    const b = bucketOf[i]!;
    const ms = cols.elapsedNs[i]! / 1e6;
    values[fill[t * S * B + b]!++] = ms;
    values[fill[(t * S + 1 + catOf[cols.query[i]!]!) * B + b]!++] = ms;
  }
  const lastCovered = (endNs - (B - 1) * widthNs) / 1e9;
  const out: TimeSeriesColumns[] = [];
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < S; s++) {
      // A category this target never ran has no series at all.
      let any = false;
      for (let b = 0; b < B && !any; b++) any = count[(t * S + s) * B + b]! > 0;
      if (!any) continue;
      const series: TimeSeriesColumns = {
        run_id: runId, target: cols.targets[t]!, scope: s === 0 ? 'all' : categories[s - 1]!, width_s: widthS, last_covered_s: lastCovered,
        count: new Array<number>(B), failed: new Array<number>(B), qps: new Array<number | null>(B), p50_ms: new Array<number | null>(B), p99_ms: new Array<number | null>(B),
      };
      for (let b = 0; b < B; b++) {
        const c = (t * S + s) * B + b;
        const from = offset[c]!;
        const ok = offset[c + 1]! - from;
        sortRange(values, from, from + ok);
        const covered = b < B - 1 ? widthS : lastCovered;
        series.count[b] = count[c]!;
        series.failed[b] = count[c]! - ok;
        series.qps[b] = covered > 0 ? ok / covered : null;
        series.p50_ms[b] = ok ? quantileSorted(values, 0.5, from, ok) : null;
        series.p99_ms[b] = ok ? quantileSorted(values, 0.99, from, ok) : null;
      }
      out.push(series);
    }
  }
  return out;
}

/**
 * Sorts values[from, to) ascending in place: insertion sort for the short runs of a per-second
 * bucket (no view allocated per bucket), the typed array's own sort beyond 32 values.
 */
function sortRange(values: Float64Array, from: number, to: number): void {
  if (to - from > 32) {
    values.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= from && values[j]! > v) (values[j + 1] = values[j]!), j--;
    values[j + 1] = v;
  }
}

/** Bucket widths a chart may use, in seconds. */
const NICE_WIDTHS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400];
/** At most this many buckets per line in a chart (it is drawn from aggregated rows, never raw samples). */
export const CHART_MAX_BUCKETS = 400;

/**
 * The bucket width the chart uses for a phase of `endNs`: 1 s when that gives at most
 * CHART_MAX_BUCKETS buckets, else the smallest nice width that does. Wider buckets are computed
 * from the raw samples like the 1 s ones (a p99 of p99s would not be a p99).
 */
export function chartWidthS(cols: SampleColumns): number {
  let endNs = 0;
  for (let i = 0; i < cols.length; i++) endNs = Math.max(endNs, cols.startNs[i]! + cols.elapsedNs[i]!);
  const seconds = endNs / 1e9;
  return NICE_WIDTHS_S.find((w) => Math.ceil(seconds / w) <= CHART_MAX_BUCKETS) ?? NICE_WIDTHS_S[NICE_WIDTHS_S.length - 1]!;
}
