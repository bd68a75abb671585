import type { LatencyGroups } from './latency-groups.js';

/**
 * The per-iteration pairs of two paths on one query: in the measured phase every path runs
 * iteration i of a query with the same parameters (lib/measure/schedule.ts), and with the
 * interleaved schedule the two requests of an iteration run back to back, so whatever the machine
 * did at that moment slowed both. The ratio a/b and the difference a − b of each pair then carry
 * the paths' difference without the machine's changes of speed, which independent samples of the
 * two paths keep (docs/statistics.md, "Paired comparisons").
 *
 * Each pair also records the order in which every target ran that iteration's request (`order`,
 * an id per distinct order, from the requests' start times) and whether a ran before b (`aFirst`):
 * the schedule rotates the order (interleaved: iteration by iteration; blocked: ABBA halves), and a
 * request can be much faster when another ran the same query just before it — measured on
 * config/embedded.yaml, where both paths share one PGlite engine: join ran ~1.5× faster right
 * after the other path had run it with the same parameters, in every one of seven fresh runs. So
 * pairs are compared within each order and the orders averaged (pairedScopeCI), as a crossover
 * trial is analysed. With three targets the order of the whole iteration counts, not only which
 * of the two ran first: on config/local.yaml, pglite ran join fast after pglite-wire (same engine)
 * and slow after postgres, so "postgres before pglite" held both cases and "pglite before
 * postgres" only the slow one.
 *
 * Only iterations both paths completed count (a failed request leaves its iteration unpaired); an
 * iteration met twice on one side (never in a measured phase; defensive) counts once, its first
 * latency. Pairs come in iteration order. A latency ≤ 0 (a clock that did not move) gives no ratio,
 * so its pair is left out.
 */
export interface IterationPairs {
  /** a / b per iteration. */
  ratios: Float64Array;
  /** a − b per iteration, ms. */
  diffs: Float64Array;
  /** 1 when a's request started before b's in that iteration, else 0. */
  aFirst: Uint8Array;
  /** The order of every target's request in that iteration, as an id (the same id for the same order). */
  order: Int32Array;
  /** How many targets ran that iteration's request. */
  targets: Uint8Array;
  /** The iteration of each pair. */
  iterations: Int32Array;
}

export function pairedByIteration(groups: LatencyGroups, a: string, b: string, queryId: string): IterationPairs {
  const ix = queryIndex(groups, queryId);
  const ka = groups.targets.indexOf(a);
  const kb = groups.targets.indexOf(b);
  const la = ix.latency[ka];
  const lb = ix.latency[kb];
  const empty = { ratios: new Float64Array(0), diffs: new Float64Array(0), aFirst: new Uint8Array(0), order: new Int32Array(0), targets: new Uint8Array(0), iterations: new Int32Array(0) };
  if (!la || !lb) return empty;
  const sa = ix.start[ka]!;
  const sb = ix.start[kb]!;
  let n = 0;
  for (let it = 0; it < ix.size; it++) if (la[it]! > 0 && lb[it]! > 0) n++;
  const out = { ratios: new Float64Array(n), diffs: new Float64Array(n), aFirst: new Uint8Array(n), order: new Int32Array(n), targets: new Uint8Array(n), iterations: new Int32Array(n) };
  for (let it = 0, j = 0; it < ix.size; it++) {
    const x = la[it]!;
    const y = lb[it]!;
    if (!(x > 0 && y > 0)) continue;
    out.ratios[j] = x / y;
    out.diffs[j] = x - y;
    out.aFirst[j] = sa[it]! < sb[it]! ? 1 : 0;
    out.order[j] = ix.order[it]!;
    out.targets[j] = ix.targets[it]!;
    out.iterations[j++] = it + ix.first;
  }
  return out;
}

/**
 * One query's latencies and starts of every target, by iteration (dense arrays from the lowest to
 * the highest iteration; NaN where a target has no successful latency), and each iteration's order
 * id and number of targets. Built once per query and LatencyGroups (WeakMap), since every pair of
 * targets at every level reads it: measured with `make bench-offline` (1,000,000 samples, 3
 * targets), building it per call took the aggregate stage from under 10 s to 18.6 s.
 */
interface QueryIndex {
  first: number;
  size: number;
  latency: (Float64Array | undefined)[];
  start: (Float64Array | undefined)[];
  order: Int32Array;
  targets: Uint8Array;
}

const INDEXES = new WeakMap<LatencyGroups, Map<string, QueryIndex>>();

function queryIndex(groups: LatencyGroups, queryId: string): QueryIndex {
  let byQuery = INDEXES.get(groups);
  if (!byQuery) INDEXES.set(groups, (byQuery = new Map()));
  const known = byQuery.get(queryId);
  if (known) return known;
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of groups.targets) {
    for (const it of groups.seriesIterations(t, queryId)) {
      if (it < lo) lo = it;
      if (it > hi) hi = it;
    }
  }
  const size = hi >= lo ? hi - lo + 1 : 0;
  const first = size ? lo : 0;
  const latency: (Float64Array | undefined)[] = [];
  const start: (Float64Array | undefined)[] = [];
  groups.targets.forEach((t, k) => {
    const xs = groups.series(t, queryId);
    if (xs.length === 0) return;
    const its = groups.seriesIterations(t, queryId);
    const ss = groups.seriesStarts(t, queryId);
    const l = new Float64Array(size).fill(Number.NaN);
    const s = new Float64Array(size).fill(Number.NaN);
    for (let i = 0; i < xs.length; i++) {
      const at = its[i]! - first;
      if (!Number.isNaN(l[at]!)) continue; // an iteration met twice: its first latency
      l[at] = xs[i]!;
      s[at] = ss[i]!;
    }
    latency[k] = l;
    start[k] = s;
  });
  // Each iteration's order: the targets that ran it, by start time, encoded as one number.
  const T = groups.targets.length;
  const order = new Int32Array(size);
  const targets = new Uint8Array(size);
  const ids = new Map<number, number>();
  const ran: number[] = [];
  for (let it = 0; it < size; it++) {
    ran.length = 0;
    for (let k = 0; k < T; k++) if (start[k] && !Number.isNaN(start[k]![it]!)) ran.push(k);
    ran.sort((x, y) => start[x]![it]! - start[y]![it]! || x - y);
    let key = 0;
    for (const k of ran) key = key * (T + 1) + k + 1;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    order[it] = id;
    targets[it] = ran.length;
  }
  const ix = { first, size, latency, start, order, targets };
  byQuery.set(queryId, ix);
  return ix;
}

/**
 * The order id of each of `iterations` of a query: the order in which the targets ran that
 * iteration (by start time), the same id for the same order; −1 for an iteration no target ran.
 */
export function orderIdsOf(groups: LatencyGroups, queryId: string, iterations: Int32Array): Int32Array {
  const ix = queryIndex(groups, queryId);
  return iterations.map((it) => {
    const at = it - ix.first;
    return at >= 0 && at < ix.size && ix.targets[at]! > 0 ? ix.order[at]! : -1;
  });
}

/** One order's pairs (the iterations whose targets ran in the same order): their ratios and differences. */
export interface OrderStratum {
  ratios: Float64Array;
  diffs: Float64Array;
}

/**
 * The pairs split by the order of their iteration, in order of first appearance, each order's
 * ratios and differences sorted ascending (what the order-statistic bootstrap reads; sorted here
 * once instead of once per level that compares the query); orders without a pair do not appear.
 */
export function byOrder(p: IterationPairs): OrderStratum[] {
  const slot = new Map<number, number>();
  const counts: number[] = [];
  for (const id of p.order) {
    let k = slot.get(id);
    if (k === undefined) slot.set(id, (k = counts.push(0) - 1));
    counts[k]!++;
  }
  const out = counts.map((n) => ({ ratios: new Float64Array(n), diffs: new Float64Array(n) }));
  const fill = new Array<number>(counts.length).fill(0);
  for (let i = 0; i < p.order.length; i++) {
    const k = slot.get(p.order[i]!)!;
    out[k]!.ratios[fill[k]!] = p.ratios[i]!;
    out[k]!.diffs[fill[k]!++] = p.diffs[i]!;
  }
  for (const o of out) (o.ratios.sort(), o.diffs.sort());
  return out;
}

const PAIRED = new WeakMap<LatencyGroups, Map<string, { pairs: IterationPairs; strata: OrderStratum[] }>>();

/**
 * pairedByIteration and byOrder of `a` and `b` on a query, computed once per LatencyGroups: every
 * level that holds the query (the query, its category, all queries) and the gateway overhead read
 * the same pairs. Measured with `make bench-offline` (1,000,000 samples, 3 targets): 3.8 s of
 * intervals before, most of it splitting and sorting the same pairs again at each level.
 */
export function pairsAndOrders(groups: LatencyGroups, a: string, b: string, queryId: string): { pairs: IterationPairs; strata: OrderStratum[] } {
  let cache = PAIRED.get(groups);
  if (!cache) PAIRED.set(groups, (cache = new Map()));
  const key = `${a}\u0000${b}\u0000${queryId}`;
  let hit = cache.get(key);
  if (!hit) {
    const pairs = pairedByIteration(groups, a, b, queryId);
    cache.set(key, (hit = { pairs, strata: byOrder(pairs) }));
  }
  return hit;
}

/**
 * The pairs split by which of the two ran first — for the order effect, which is defined only when
 * the two were the only targets of their iterations (with a third, what ran between them or before
 * both counts as well: see pairedByIteration). Null otherwise, or when one of the two never ran first.
 */
export function byWhoRanFirst(p: IterationPairs): { aFirst: Float64Array; bFirst: Float64Array } | null {
  if (p.targets.some((n) => n !== 2)) return null;
  const aFirst = p.ratios.filter((_, i) => p.aFirst[i] === 1);
  const bFirst = p.ratios.filter((_, i) => p.aFirst[i] === 0);
  return aFirst.length && bFirst.length ? { aFirst, bFirst } : null;
}
