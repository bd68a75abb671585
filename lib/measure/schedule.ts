/**
 * The order of a timed loop's requests, as (iteration, query, target) index triples.
 *
 * - `interleaved`: iteration i runs every query, each on every target, in the target order
 *   balancedOrder(targets, i) — so machine drift and order effects hit all targets alike, and
 *   consecutive requests are different queries (each request meets caches the other queries left).
 * - `blocked`: one query at a time; its iterations run back to back on one target, then on the
 *   next (each request meets the caches its own previous execution left). Drift is cancelled with
 *   ABBA blocks: each query's iterations are split into two halves, the first half runs on the
 *   targets in one order and the second half in the reverse order (2 targets: A B | B A; 3: A B C
 *   | C B A), so a linear drift adds the same mean to every target. The first target rotates with
 *   the query, so no target always opens.
 *
 * Either way target t runs iteration i of query q with call i of its own stream — the parameter
 * sequence of every path is the same in both schedules, in the same order.
 */
export type Schedule = 'interleaved' | 'blocked';

/**
 * The order of n targets (indices) in round r, balanced for carry-over (a Williams design): row r
 * of the square whose first row is 0, 1, n−1, 2, n−2, … and whose row r adds r (mod n) to it; for
 * odd n the square is followed by its mirror (each row reversed). Over every n rounds (even n) or
 * 2n (odd n) each target leads equally often and follows each other target right after it equally
 * often. With two targets it is the plain alternation AB, BA.
 * Why not a plain rotation (ABC, BCA, CAB): it puts B right after A in two rounds of three and A
 * right after B in none, and a request can be much faster right after another path ran the same
 * query. Measured on config/local.yaml (postgres, pglite, pglite-wire; the two PGlite paths share
 * one engine): join ran ×1.37–1.39 faster on a PGlite path right after the other one than when it
 * ran first of the two, and the rotation put pglite-wire right after pglite in two iterations of
 * three and pglite right after pglite-wire in none. The same design orders bench-peers' clients
 * (lib/bench/peer-ratios.ts), where the client after pgbench ran slower.
 */
export function balancedOrder(n: number, round: number): number[] {
  const first: number[] = [0];
  for (let lo = 1, hi = n - 1, k = 1; first.length < n; k++) first.push(k % 2 === 1 ? lo++ : hi--);
  const period = n % 2 === 0 ? n : 2 * n;
  const r = round % period;
  const row = first.map((x) => (x + (r % n)) % n);
  return r < n ? row : row.reverse();
}

export function timedOrder(schedule: Schedule, queries: number, targets: number, iterations: number): Int32Array {
  const out = new Int32Array(3 * queries * targets * iterations);
  let j = 0;
  const push = (i: number, q: number, t: number) => {
    out[j++] = i;
    out[j++] = q;
    out[j++] = t;
  };
  if (schedule === 'interleaved') {
    for (let i = 0; i < iterations; i++) {
      const order = balancedOrder(targets, i);
      for (let q = 0; q < queries; q++) for (const t of order) push(i, q, t);
    }
    return out;
  }
  const half = Math.ceil(iterations / 2);
  for (let q = 0; q < queries; q++) {
    for (let k = 0; k < targets; k++) for (let i = 0; i < half; i++) push(i, q, (q + k) % targets);
    for (let k = targets - 1; k >= 0; k--) for (let i = half; i < iterations; i++) push(i, q, (q + k) % targets);
  }
  return out;
}

/**
 * Shard `index` (1-based) of `count` of a timed order (`measure --shard i/N`, docs/shards.md): the
 * triples of every iteration i with i mod N = index − 1, in their single-host order. The N shards'
 * orders partition the single-host order exactly. By iteration, not by request: each shard then
 * runs every query on every target, so a host's own speed adds alike to every path instead of
 * to the queries that happen to fall on it. Computed before the timed loop starts.
 */
export function shardOrder(order: Int32Array, index: number, count: number): Int32Array {
  if (count === 1) return order;
  let kept = 0;
  for (let s = 0; s < order.length; s += 3) if (order[s]! % count === index - 1) kept++;
  const out = new Int32Array(3 * kept);
  let j = 0;
  for (let s = 0; s < order.length; s += 3) {
    if (order[s]! % count !== index - 1) continue;
    out[j++] = order[s]!;
    out[j++] = order[s + 1]!;
    out[j++] = order[s + 2]!;
  }
  return out;
}

/**
 * Shard `index` (1-based) of `count` of an open-loop level of n requests (`measure --shard i/N
 * --levels-at MS`, docs/shards.md): the positions j with j mod N = index − 1 of the one seeded
 * arrival schedule, ascending. Each shard sends those arrivals at their own intended offsets
 * from the level's shared instant, so the union of the N shards is the single-host schedule,
 * each arrival once, and each shard offers about R/N per second. Computed before the level starts.
 */
export function shardArrivals(n: number, index: number, count: number): Uint32Array {
  if (!(count >= 1 && index >= 1 && index <= count)) throw new RangeError(`shard ${index}/${count}: expected 1 ≤ i ≤ N`);
  const out = new Uint32Array(Math.max(0, Math.ceil((n - (index - 1)) / count)));
  for (let k = 0, j = index - 1; j < n; k++, j += count) out[k] = j;
  return out;
}
