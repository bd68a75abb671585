import type { LatencyGroups } from './latency-groups.js';
import { medianOf } from './quantile.js';
import { orderIdsOf } from './paired-by-iteration.js';

/**
 * Taking the order effect out of a series before its first and last quarter are compared (drift
 * flags, and the paired check of a drift: lib/stats/noise.ts).
 *
 * Why: the schedule alternates which path runs an iteration's request first, and the one that
 * runs second can be much faster (lib/stats/paired-by-iteration.ts: join ×1.43–1.55 on
 * config/embedded.yaml). A path's series is then a mixture of two modes, half its requests in
 * each, and a quarter's median falls in the gap between them, where the modes' tails decide it: on
 * a fresh run, pglite-wire's join moved −14% from the first quarter to the last, while its requests
 * that ran first moved −3% and those that ran second −8%. Centring each order on its own median
 * (in logs), then adding back the mean of the orders' medians, keeps every change over time and
 * removes the gap. An order is the order in which all targets ran the iteration (with three
 * targets, who ran before this one matters, not only its position).
 *
 * Only where it cannot remove the change itself: every order must hold at least MIN_PER_ORDER
 * values in both the first and the last quarter. Under `schedule: blocked` the orders are the two
 * halves of the run (ABBA), so the first quarter holds one order only and the series is left as
 * it is: centring the halves would take out exactly the change the quarters compare.
 */
export const MIN_PER_ORDER = 8;

/** The centred series, or null when it does not apply (one order only, or too few of an order in the first or last quarter). */
export function orderCentred(values: Float64Array, order: ArrayLike<number>): Float64Array | null {
  const n = values.length;
  const q = Math.floor(n / 4);
  const orders = [...new Set(Array.from(order))];
  if (orders.length < 2 || q === 0) return null;
  for (const o of orders) {
    let head = 0;
    let tail = 0;
    for (let i = 0; i < q; i++) {
      if (order[i] === o) head++;
      if (order[n - q + i] === o) tail++;
    }
    if (head < MIN_PER_ORDER || tail < MIN_PER_ORDER) return null;
  }
  const logs = values.map(Math.log);
  const medians = new Map(orders.map((o) => [o, medianOf(logs.filter((_, i) => order[i] === o))]));
  const centre = [...medians.values()].reduce((x, y) => x + y, 0) / medians.size;
  return logs.map((l, i) => Math.exp(l - medians.get(order[i]!)! + centre));
}

/**
 * For each request of series(target, queryId): the id of the order in which the targets ran its
 * iteration (lib/stats/paired-by-iteration.ts orderIdsOf), aligned with the series. With two
 * targets: whether it ran first or second; with more, the whole order (who ran before it).
 */
export function ordersInIteration(groups: LatencyGroups, target: string, queryId: string): Int32Array {
  return orderIdsOf(groups, queryId, groups.seriesIterations(target, queryId));
}
