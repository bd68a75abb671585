import type { ComparisonRow } from '../store/aggregates.js';
import type { ReportData } from './report-data.js';

/**
 * The order effect of each pair of paths on each query (lib/stats/bootstrap.ts orderEffectCI):
 * how much faster a request ran when it came second in its iteration, right after the other path
 * had run the same query with the same parameters, than when it came first. The schedule
 * alternates the order, so each path's own figures mix both; the paired comparisons cancel it
 * (lib/stats/bootstrap.ts pairedScopeCI), and the report shows its size because it says how much a
 * path's latency depends on what ran just before it: shared caches, a shared engine.
 */
export interface OrderEffect {
  query: string;
  a: string;
  b: string;
  /** > 1: the second request of an iteration was faster. */
  effect: number;
  low: number;
  high: number;
}

/** Effects smaller than this (either way) are not listed, even when their CI excludes 1. */
export const ORDER_EFFECT_SHOWN = 0.05;

/** The query rows whose order effect's CI excludes 1 and whose size is at least ORDER_EFFECT_SHOWN, largest first. */
export function notableOrderEffects(d: ReportData): OrderEffect[] {
  return d.comparisons
    .filter((c) => c.level === 'query')
    .map(orderEffectOf)
    .filter((e): e is OrderEffect => e !== null && (e.low > 1 || e.high < 1) && Math.abs(Math.log(e.effect)) >= Math.log1p(ORDER_EFFECT_SHOWN))
    .sort((x, y) => Math.abs(Math.log(y.effect)) - Math.abs(Math.log(x.effect)) || x.query.localeCompare(y.query));
}

export function orderEffectOf(c: ComparisonRow): OrderEffect | null {
  const v = [c.order_effect, c.order_low, c.order_high];
  if (v.some((x) => x === null || x === undefined || !(x > 0))) return null;
  return { query: c.key, a: c.target_a, b: c.target_b, effect: c.order_effect!, low: c.order_low!, high: c.order_high! };
}

/** "join (pglite / pglite-wire): ×1.52 [1.45, 1.60] faster second" — or "slower second" below 1. */
export function orderEffectText(e: OrderEffect): string {
  const faster = e.effect >= 1;
  const [x, lo, hi] = faster ? [e.effect, e.low, e.high] : [1 / e.effect, 1 / e.high, 1 / e.low];
  return `${e.query} (${e.a} / ${e.b}): ×${x.toFixed(2)} [${lo.toFixed(2)}, ${hi.toFixed(2)}] ${faster ? 'faster' : 'slower'} second`;
}

export const ORDER_EFFECT_NOTE =
  'a request that ran second in its iteration, right after the other path ran the same query with the same parameters, against one that ran first ' +
  '(√ of the ratio of the two orders\' median per-iteration ratios, 95% CI); the paired comparisons average the two orders, so it cancels there';
