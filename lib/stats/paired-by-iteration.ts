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
  const xa = groups.series(a, queryId);
  const sa = groups.seriesStarts(a, queryId);
  const ia = groups.seriesIterations(a, queryId);
  const xb = groups.series(b, queryId);
  const sb = groups.seriesStarts(b, queryId);
  const ib = groups.seriesIterations(b, queryId);
  const ofB = new Map<number, number>();
  for (let i = 0; i < xb.length; i++) if (!ofB.has(ib[i]!)) ofB.set(ib[i]!, i);
  const orderOf = iterationOrders(groups, queryId);
  const ratios: number[] = [];
  const diffs: number[] = [];
  const aFirst: number[] = [];
  const order: number[] = [];
  const targets: number[] = [];
  const iterations: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < xa.length; i++) {
    const it = ia[i]!;
    const j = ofB.get(it);
    if (j === undefined || seen.has(it)) continue;
    seen.add(it);
    const x = xa[i]!;
    const y = xb[j]!;
    if (!(x > 0) || !(y > 0)) continue;
    ratios.push(x / y);
    diffs.push(x - y);
    aFirst.push(sa[i]! < sb[j]! ? 1 : 0);
    const o = orderOf.get(it)!;
    order.push(o.id);
    targets.push(o.targets);
    iterations.push(it);
  }
  return {
    ratios: Float64Array.from(ratios), diffs: Float64Array.from(diffs), aFirst: Uint8Array.from(aFirst),
    order: Int32Array.from(order), targets: Uint8Array.from(targets), iterations: Int32Array.from(iterations),
  };
}

/**
 * For each iteration of a query: the order in which the targets ran it (by start time), as an id
 * that is the same for the same order across iterations, and how many targets ran it.
 */
export function iterationOrders(groups: LatencyGroups, queryId: string): Map<number, { id: number; targets: number }> {
  const starts = new Map<number, { target: number; start: number }[]>();
  groups.targets.forEach((t, k) => {
    const s = groups.seriesStarts(t, queryId);
    const it = groups.seriesIterations(t, queryId);
    const once = new Set<number>();
    for (let i = 0; i < s.length; i++) {
      if (once.has(it[i]!)) continue;
      once.add(it[i]!);
      let list = starts.get(it[i]!);
      if (!list) starts.set(it[i]!, (list = []));
      list.push({ target: k, start: s[i]! });
    }
  });
  const ids = new Map<string, number>();
  const out = new Map<number, { id: number; targets: number }>();
  for (const [it, list] of starts) {
    const key = list.sort((x, y) => x.start - y.start || x.target - y.target).map((x) => x.target).join(',');
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    out.set(it, { id, targets: list.length });
  }
  return out;
}

/** One order's pairs (the iterations whose targets ran in the same order): their ratios and differences. */
export interface OrderStratum {
  ratios: Float64Array;
  diffs: Float64Array;
}

/** The pairs split by the order of their iteration, in order of first appearance; orders without a pair do not appear. */
export function byOrder(p: IterationPairs): OrderStratum[] {
  const ids = [...new Set(p.order)];
  return ids.map((id) => {
    const keep = (xs: Float64Array) => xs.filter((_, i) => p.order[i] === id);
    return { ratios: keep(p.ratios), diffs: keep(p.diffs) };
  });
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
