import { quantileSorted } from '../stats/quantile.js';
import { pairRatios, summarizeRatios, type RatioSummary } from '../stats/paired-ratios.js';
import { balancedOrder } from '../measure/schedule.js';

/**
 * The arithmetic of `make bench-peers`. Each round runs every client once on the same query and
 * mode, back to back, so machine drift between rounds cancels in the per-round ratio
 * pathbench / peer. The two Node clients share one connection and run in one block, alternating in
 * slices (nodeSlices), so that what changes within a round — above all, which CPU the client and
 * its server backend land on after pgbench ran — hits both alike. A block's figures are p50 and p99 of its latencies after the
 * first `discard` requests (cold connection, first Parse of a prepared statement, JIT).
 */
export interface BlockFigures {
  p50: number;
  p99: number;
}

export function blockFigures(latenciesMs: readonly number[], discard: number): BlockFigures {
  if (latenciesMs.length <= discard) throw new RangeError(`bench-peers: ${latenciesMs.length} latencies, ${discard} to discard: nothing left`);
  const xs = Float64Array.from(latenciesMs.slice(discard)).sort();
  return { p50: quantileSorted(xs, 0.5), p99: quantileSorted(xs, 0.99) };
}

export interface PeerRatio {
  p50: RatioSummary;
  p99: RatioSummary;
}

/** pathbench / peer per round, for p50 and p99: median over rounds with a seeded bootstrap CI. */
export function peerRatio(pathbench: readonly BlockFigures[], peer: readonly BlockFigures[], seed: number, stream: string): PeerRatio {
  return {
    p50: summarizeRatios(pairRatios(pathbench.map((b) => b.p50), peer.map((b) => b.p50)), seed, `${stream}:p50`),
    p99: summarizeRatios(pairRatios(pathbench.map((b) => b.p99), peer.map((b) => b.p99)), seed, `${stream}:p99`),
  };
}

/** "1.23× [1.10, 1.40]" */
export function ratioText(s: RatioSummary): string {
  return `${s.ci.estimate.toFixed(2)}× [${s.ci.low.toFixed(2)}, ${s.ci.high.toFixed(2)}]`;
}

/** Median of one figure over rounds (ms). */
export function medianOf(blocks: readonly BlockFigures[], f: keyof BlockFigures): number {
  return quantileSorted(Float64Array.from(blocks.map((b) => b[f])).sort(), 0.5);
}

/**
 * The order of the clients in round r, balanced for carry-over (a Williams design,
 * lib/measure/schedule.ts balancedOrder): over every 2n rounds each client leads equally often and
 * follows each other client equally often.
 * Why: the block that follows pgbench ran slower whichever Node client it was (measured here,
 * loaded machine, simple_select_id extended: p50 0.199–0.240 ms after pgbench, 0.143–0.159 ms
 * otherwise); a plain rotation (abc, bca, cab) puts pathbench after pgbench in 2 rounds of 3 and
 * the bare loop never, which alone made pathbench/bare 1.2–1.75×.
 */
export function clientOrder<T>(clients: readonly T[], round: number): T[] {
  return balancedOrder(clients.length, round).map((i) => clients[i]!);
}

/**
 * The slices of one Node block of `requests` requests: [start, end) into the call list, `slices`
 * of them as equal as can be (the first ones one longer when it does not divide), each with the
 * order of the two Node clients in it: AB, BA, AB, … by clientOrder, so each leads equally often.
 * Why slices: the Node client that ran right after pgbench was slower for its whole block
 * (measured, quiet machine, prepared simple_select_id: p50 0.14–0.19 ms against 0.10 ms for the
 * same client elsewhere in the round), so with whole blocks per client the per-round ratio
 * pathbench / bare was 0.6× or 1.7× by the order alone, and its CI over 24 rounds spanned
 * [0.73, 1.28]. In alternating slices both see the same state.
 */
export function nodeSlices<T>(clients: readonly [T, T], requests: number, slices: number): { start: number; end: number; order: T[] }[] {
  const n = Math.max(1, Math.min(slices, requests));
  const base = Math.floor(requests / n);
  const extra = requests % n;
  const out: { start: number; end: number; order: T[] }[] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    out.push({ start, end, order: clientOrder(clients, k) });
    start = end;
  }
  return out;
}
