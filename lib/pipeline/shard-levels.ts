import type { StageContext } from '../cli/run-stage.js';
import { writeShardLevel } from '../store/shard-levels.js';

/**
 * When each sharded load level starts (`measure --shard i/N --start-at MS --levels-at MS`,
 * docs/shards.md): the concurrency sweep's levels, then the open loop's. No coordinator: every
 * shard computes the same instants from --levels-at and the config alone; level k starts at
 *
 *   levelsAt + Σ_{m<k} (planned_m + LEVEL_GAP_MS)
 *
 * with planned_m from lib/pipeline/shard-level-plan.ts (a sweep level: sweep_shard_level_s; an
 * open-loop level: its drop_after, schedule span + rate_grace_s, when every request is sent or
 * dropped). The gap covers what runs between two levels: requests still in flight at the end,
 * storing the level's samples, and opening the next level's sessions (or a target's client
 * threads). A shard still busy at an instant starts the level at once; the instant stays the
 * level's origin, so its requests are late (and counted so), and the lateness is stored
 * (shard_levels) and reported.
 */

/** The fixed pause between two sharded levels (ms); see the contract above and docs/shards.md. */
export const LEVEL_GAP_MS = 2_000;

/** One sharded level in run order: its shared start instant (epoch ms, rounded to the ms). */
export function levelInstants(levelsAtMs: number, plannedMs: readonly number[], gapMs = LEVEL_GAP_MS): number[] {
  const out: number[] = [];
  let at = levelsAtMs;
  for (const d of plannedMs) {
    out.push(Math.round(at));
    at += d + gapMs;
  }
  return out;
}

/** How long before a level's instant the shard stops sleeping and sets the level up (ms): wake-up, load watch (≥ 20 ms). */
export const LEVEL_HANDOVER_MS = 50;

/** `measure --shard i/N --levels-at MS`: this process's part of a sharded load model, with the instant of each of its levels in run order. */
export interface LevelShard {
  index: number;
  count: number;
  instants: readonly number[];
}

/**
 * Shard `index`'s clients of a concurrency-sweep level of `level` clients: client k runs on shard
 * k mod N + 1, with its single-host parameters (global client number k). Empty when the level has
 * fewer clients than this shard's number.
 */
export function shardClients(level: number, index: number, count: number): number[] {
  const out: number[] = [];
  for (let k = index - 1; k < level; k += count) out.push(k);
  return out;
}

/**
 * Shard `index`'s share of `sessions` open-loop sessions: session k runs on shard k mod N + 1,
 * so the N shards together hold the single-host number (at least one each, so a shard with more
 * shards than sessions still sends its arrivals).
 */
export function shardSessions(sessions: number, index: number, count: number): number {
  return Math.max(1, Math.floor(sessions / count) + (index - 1 < sessions % count ? 1 : 0));
}

/**
 * Store the level's instant and this shard's lateness for it, and say so; a shard ready later
 * than rate_late_ms after the instant warns (its first requests were late because of the shard).
 */
export async function recordShardLevel(ctx: StageContext, runId: string, s: LevelShard, phase: 'open_loop' | 'sweep', target: string, level: number, plannedAtMs: number, lateMs: number): Promise<void> {
  await writeShardLevel(ctx.store, { run_id: runId, shard: s.index, phase, target, level, planned_at_ms: plannedAtMs, late_ms: lateMs });
  const text = `shard ${s.index}/${s.count}: ${levelName(phase, target, level)}: its instant ${new Date(plannedAtMs).toISOString()}, ready ${lateMs > 0 ? `${lateMs.toFixed(3)} ms after` : `${(-lateMs).toFixed(3)} ms before`} it`;
  if (lateMs > ctx.config.rate_late_ms) ctx.log(`warning: ${text}, more than rate_late_ms ${ctx.config.rate_late_ms} ms: its first requests started late because of this shard (give a later --levels-at, or a longer gap: docs/shards.md)`);
  else ctx.log(text);
}

/** A sharded level's name in logs and reports. */
export function levelName(phase: string, target: string, level: number): string {
  return phase === 'sweep' ? `sweep level ${target} × ${level} client(s)` : `open-loop level ${target} at ${level}/s`;
}
