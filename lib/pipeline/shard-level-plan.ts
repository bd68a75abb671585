import type { ResolvedConfig } from '../config/load.js';
import { openLoopPlannedMs } from './open-loop.js';
import { levelInstants } from './shard-levels.js';

/** Seconds reserved per sharded concurrency-sweep level when sweep_shard_level_s is not set. */
export const DEFAULT_SWEEP_SHARD_LEVEL_S = 10;

/**
 * The instant of every sharded level of a run, in the single-host order: the concurrency sweep's
 * levels (target by target, client counts ascending; sweep_shard_level_s each), then the open
 * loop's (target by target, rates ascending; span + grace each), from --levels-at with the fixed
 * gap between any two (lib/pipeline/shard-levels.ts). Every shard computes the same from the config.
 */
export function shardLevelPlan(c: ResolvedConfig, targets: number, levelsAtMs: number): { sweep: number[]; openLoop: number[] } {
  const perSweep = [...new Set(c.concurrency)].length;
  const sweepMs = Array.from({ length: targets * perSweep }, () => (c.sweep_shard_level_s ?? DEFAULT_SWEEP_SHARD_LEVEL_S) * 1000);
  const openLoopMs = c.rate.length ? openLoopPlannedMs(c, targets) : [];
  const all = levelInstants(levelsAtMs, [...sweepMs, ...openLoopMs]);
  return { sweep: all.slice(0, sweepMs.length), openLoop: all.slice(sweepMs.length) };
}
