import type { AggregateLevel } from '../store/aggregates.js';
import type { SampleColumns } from '../store/sample-columns.js';

/**
 * The successful latencies (ms = elapsed_ns / 1e6) of a run, grouped once for every statistic
 * that needs them: per target × query, × category and overall, each sorted ascending (bootstrap
 * intervals, Mann–Whitney, quantiles), and per target × query in iteration order (drift).
 * Built in one pass over the columns plus one typed-array sort per target × query; the category
 * and overall groups are merged from those sorted runs rather than sorted again (measured ~0.2 s
 * less at 1,000,000 samples).
 *
 * `leaveOut`: query ids left out of every category and overall group (of every target), so those
 * groups cover the same queries on every target — the queries some path of the run cannot run
 * (lib/pipeline/query-probe.ts). Their per-query groups stay.
 */
export interface LatencyGroups {
  targets: readonly string[];
  /** Sorted successful latencies (ms) of a group; empty when it has none. */
  sorted(target: string, level: AggregateLevel, key: string): Float64Array;
  /** Successful latencies (ms) of target × query in iteration order (ties in start order). */
  series(target: string, queryId: string): Float64Array;
  /** The start (ns from the phase's origin) of each latency of series(target, queryId), same order. */
  seriesStarts(target: string, queryId: string): Float64Array;
  /** The iteration of each latency of series(target, queryId), same order: the same iteration binds the same parameters on every target. */
  seriesIterations(target: string, queryId: string): Int32Array;
  /** Categories with at least one sample of `target` (failed ones included), in first-seen order. */
  categoriesOf(target: string): string[];
}

const EMPTY = new Float64Array(0);
const EMPTY_ITERATIONS = new Int32Array(0);
const NONE: ReadonlySet<string> = new Set();
const gkey = (target: string, level: AggregateLevel, key: string) => `${target}\u0000${level}\u0000${key}`;

export function groupLatencies(cols: SampleColumns, leaveOut: ReadonlySet<string> = NONE): LatencyGroups {
  const T = cols.targets.length;
  const Q = cols.queries.length;
  const categories = [...new Set(cols.queries.map((q) => q.category))];
  const catOf = Uint16Array.from(cols.queries, (q) => categories.indexOf(q.category));
  const kept = cols.queries.map((q) => !leaveOut.has(q.id));
  const C = categories.length;
  // Group ids: [0, T·Q) query level, then T·C category level, then T overall.
  const G = T * Q + T * C + T;
  const counts = new Uint32Array(G);
  const seenCat = new Uint8Array(T * C);
  const catOrder: string[][] = Array.from({ length: T }, () => []);
  const n = cols.length;
  for (let i = 0; i < n; i++) {
    const t = cols.target[i]!;
    const c = catOf[cols.query[i]!]!;
    if (kept[cols.query[i]!] && !seenCat[t * C + c]) (seenCat[t * C + c] = 1, catOrder[t]!.push(categories[c]!));
    if (cols.ok[i] !== 1) continue;
    counts[t * Q + cols.query[i]!]!++;
    counts[T * Q + t * C + c]!++;
    counts[T * Q + T * C + t]!++;
  }
  const arrays = Array.from(counts, (k) => new Float64Array(k));
  const starts = Array.from({ length: T * Q }, (_, g) => new Float64Array(counts[g]!));
  const iterations = Array.from({ length: T * Q }, (_, g) => new Int32Array(counts[g]!));
  const fill = new Uint32Array(T * Q);
  for (let i = 0; i < n; i++) {
    if (cols.ok[i] !== 1) continue;
    const gq = cols.target[i]! * Q + cols.query[i]!;
    starts[gq]![fill[gq]!] = cols.startNs[i]!;
    iterations[gq]![fill[gq]!] = cols.iteration[i]!;
    arrays[gq]![fill[gq]!++] = cols.elapsedNs[i]! / 1e6;
  }
  // Iteration order of each target × query: start order already is, in a measured phase; a
  // group where an iteration number decreases is re-sorted (stably) by iteration.
  const lastIter = new Int32Array(T * Q).fill(-2147483648);
  const unordered = new Uint8Array(T * Q);
  for (let i = 0; i < n; i++) {
    if (cols.ok[i] !== 1) continue;
    const g = cols.target[i]! * Q + cols.query[i]!;
    if (cols.iteration[i]! < lastIter[g]!) unordered[g] = 1;
    lastIter[g] = cols.iteration[i]!;
  }
  const series = new Map<string, Float64Array>();
  const seriesStarts = new Map<string, Float64Array>();
  const seriesIterations = new Map<string, Int32Array>();
  for (let t = 0; t < T; t++) {
    for (let q = 0; q < Q; q++) {
      const g = t * Q + q;
      const values = arrays[g]!;
      let ordered = values.slice();
      let orderedStarts = starts[g]!;
      let orderedIterations = iterations[g]!;
      if (unordered[g]) {
        const it = iterations[g]!;
        const order = Array.from(it, (_, j) => j).sort((a, b) => it[a]! - it[b]! || a - b);
        ordered = Float64Array.from(order, (j) => values[j]!);
        orderedStarts = Float64Array.from(order, (j) => starts[g]![j]!);
        orderedIterations = Int32Array.from(order, (j) => it[j]!);
      }
      series.set(`${cols.targets[t]}\u0000${cols.queries[q]!.id}`, ordered);
      seriesStarts.set(`${cols.targets[t]}\u0000${cols.queries[q]!.id}`, orderedStarts);
      seriesIterations.set(`${cols.targets[t]}\u0000${cols.queries[q]!.id}`, orderedIterations);
    }
  }
  const index = new Map<string, number>();
  for (let t = 0; t < T; t++) {
    for (let q = 0; q < Q; q++) index.set(gkey(cols.targets[t]!, 'query', cols.queries[q]!.id), t * Q + q);
    for (let c = 0; c < C; c++) index.set(gkey(cols.targets[t]!, 'category', categories[c]!), T * Q + t * C + c);
    index.set(gkey(cols.targets[t]!, 'overall', 'all'), T * Q + T * C + t);
  }
  for (let g = 0; g < T * Q; g++) arrays[g]!.sort();
  for (let t = 0; t < T; t++) {
    const runs = Array.from({ length: Q }, (_, q) => arrays[t * Q + q]!);
    for (let c = 0; c < C; c++) arrays[T * Q + t * C + c] = mergeSorted(runs.filter((_, q) => catOf[q] === c && kept[q]));
    arrays[T * Q + T * C + t] = mergeSorted(runs.filter((_, q) => kept[q]));
  }
  return {
    targets: cols.targets,
    sorted: (target, level, key) => {
      const g = index.get(gkey(target, level, key));
      return g === undefined ? EMPTY : arrays[g]!;
    },
    series: (target, queryId) => series.get(`${target}\u0000${queryId}`) ?? EMPTY,
    seriesStarts: (target, queryId) => seriesStarts.get(`${target}\u0000${queryId}`) ?? EMPTY,
    seriesIterations: (target, queryId) => seriesIterations.get(`${target}\u0000${queryId}`) ?? EMPTY_ITERATIONS,
    categoriesOf: (target) => {
      const t = cols.targets.indexOf(target);
      return t < 0 ? [] : catOrder[t]!;
    },
  };
}

/** One ascending array of ascending arrays: merged pairwise, smallest first (a Huffman-like order). */
function mergeSorted(runs: Float64Array<ArrayBuffer>[]): Float64Array<ArrayBuffer> {
  if (runs.length === 0) return new Float64Array(0);
  // A single run: a copy, so that no two groups share an array.
  if (runs.length === 1) return runs[0]!.slice();
  let queue = [...runs];
  while (queue.length > 1) {
    queue.sort((a, b) => a.length - b.length);
    const [a, b] = [queue[0]!, queue[1]!];
    queue = [merge2(a, b), ...queue.slice(2)];
  }
  return queue[0]!;
}

function merge2(a: Float64Array<ArrayBuffer>, b: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
