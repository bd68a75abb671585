import { quantileSorted } from '../stats/quantile.js';
import { pairRatios, summarizeRatios, type RatioSummary } from '../stats/paired-ratios.js';

/**
 * The arithmetic of `make bench-peers`. Each round runs every client once on the same query and
 * mode, back to back (order rotated per round), so machine drift between rounds cancels in the
 * per-round ratio pathbench / peer. A block's figures are p50 and p99 of its latencies after the
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

/** The rotation of the three clients in round r: every client leads once every three rounds. */
export function clientOrder<T>(clients: readonly T[], round: number): T[] {
  const k = round % clients.length;
  return [...clients.slice(k), ...clients.slice(0, k)];
}
