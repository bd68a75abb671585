import type { LatencyGroups } from './latency-groups.js';

/**
 * The per-iteration pairs of two paths on one query: in the measured phase every path runs
 * iteration i of a query with the same parameters (lib/measure/schedule.ts), and with the
 * interleaved schedule the two requests of an iteration run back to back, so whatever the machine
 * did at that moment slowed both. The ratio a/b and the difference a − b of each pair then carry
 * the paths' difference without the machine's changes of speed, which independent samples of the
 * two paths keep (docs/statistics.md, "Paired comparisons").
 *
 * Each pair also records which path ran first (`aFirst`, from the requests' start times): the
 * schedule rotates the order (interleaved: iteration by iteration; blocked: ABBA halves), and the
 * second request can be much faster than the first — measured on config/embedded.yaml, where both
 * paths share one PGlite engine: join ran ~1.5× faster right after the other path had run it with
 * the same parameters, in every one of four fresh runs. So pairs are compared within each order and
 * the two orders averaged (pairedScopeCI), as a crossover trial is analysed.
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
  const ratios: number[] = [];
  const diffs: number[] = [];
  const aFirst: number[] = [];
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
    iterations.push(it);
  }
  return { ratios: Float64Array.from(ratios), diffs: Float64Array.from(diffs), aFirst: Uint8Array.from(aFirst), iterations: Int32Array.from(iterations) };
}

/** One order's pairs (a first, or b first): their ratios and differences. */
export interface OrderStratum {
  ratios: Float64Array;
  diffs: Float64Array;
}

/** The pairs split by which path ran first; an order with no pair is left out (one stratum, or none). */
export function byOrder(p: IterationPairs): OrderStratum[] {
  const out: OrderStratum[] = [];
  for (const first of [1, 0]) {
    const keep = (xs: Float64Array) => xs.filter((_, i) => p.aFirst[i] === first);
    const ratios = keep(p.ratios);
    if (ratios.length) out.push({ ratios, diffs: keep(p.diffs) });
  }
  return out;
}
