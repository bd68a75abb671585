import type { RunShardRow } from '../store/run-shards.js';
import type { ShardLevelRow } from '../store/shard-levels.js';
import { levelName } from '../pipeline/shard-levels.js';

/** A shard's database clock − host clock (ms): the mean of its start and end readings (either alone when one is missing). */
export function meanOffsetMs(r: RunShardRow): number | null {
  const v = [r.clock_offset_start_ms, r.clock_offset_end_ms].filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** Half the longest round trip of a shard's clock readings: how far its offset can be off (ms). */
export function offsetUncertaintyMs(r: RunShardRow): number {
  return Math.max(r.clock_rtt_start_ms ?? 0, r.clock_rtt_end_ms ?? 0) / 2;
}

/**
 * The timed-loop origin of a shard on the database's clock (epoch ms): its host clock reading at
 * the origin plus its clock offset. Merge aligns the shards' samples on this line.
 */
export function originOnDatabaseClock(r: RunShardRow): number | null {
  const off = meanOffsetMs(r);
  return r.origin_epoch_ms === null ? null : r.origin_epoch_ms + (off ?? 0);
}

const ms = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)} ms`;

/**
 * The shards' clocks, for the merge log and the report: per shard its host, its offset against
 * shard 1's host clock (from each one's offset to the database clock) ± the readings'
 * uncertainty, and when its timed loop started against the earliest shard; then one warning when
 * the offsets' spread or the starts' spread exceeds the SLO's resolution (`rate_late_ms`: a
 * request is late past it, so clocks that disagree by more cannot say whether it was).
 */
export function shardLines(rows: readonly RunShardRow[], lateMs: number): { lines: string[]; warnings: string[] } {
  if (rows.length === 0) return { lines: [], warnings: [] };
  const base = meanOffsetMs(rows[0]!);
  const origins = rows.map(originOnDatabaseClock);
  const known = origins.filter((x): x is number => x !== null);
  const first = known.length ? Math.min(...known) : null;
  const lines = rows.map((r, k) => {
    const off = meanOffsetMs(r);
    const vs =
      off === null || base === null ? 'clock offset not recorded'
      : k === 0 ? 'the reference clock'
      : `host clock vs shard 1 ${ms(base - off)} (± ${(offsetUncertaintyMs(r) + offsetUncertaintyMs(rows[0]!)).toFixed(3)} ms)`;
    const dbOff = off === null ? '' : `, database − host ${ms(off)}`;
    const start = origins[k] === null || first === null ? '' : `, timed loop started ${ms(origins[k]! - first)} after the first shard`;
    return `shard ${r.shard}/${r.shards} on ${r.host}: ${vs}${dbOff}${start}`;
  });
  const offs = rows.map(meanOffsetMs).filter((x): x is number => x !== null);
  const warnings: string[] = [];
  const spread = offs.length ? Math.max(...offs) - Math.min(...offs) : 0;
  if (spread > lateMs) {
    warnings.push(`the shards' host clocks differ by up to ${spread.toFixed(3)} ms, more than the SLO's resolution (rate_late_ms ${lateMs} ms): synchronise them (chrony/NTP) before comparing per-shard timelines`);
  }
  const startSpread = known.length ? Math.max(...known) - Math.min(...known) : 0;
  if (startSpread > lateMs) {
    warnings.push(`the shards' timed loops started up to ${startSpread.toFixed(3)} ms apart (database clock), more than rate_late_ms ${lateMs} ms: the merged load was not applied at once for that long`);
  }
  return { lines, warnings };
}

/**
 * The sharded load levels (concurrency sweep, open loop), for the merge log and the report: per level its shared instant and
 * the latest shard's lateness for it; one warning per level where a shard was ready more than
 * `lateMs` (rate_late_ms) after the instant — its first requests then started late because of it.
 */
export function shardLevelLines(rows: readonly ShardLevelRow[], lateMs: number): { lines: string[]; warnings: string[] } {
  const byLevel = new Map<string, ShardLevelRow[]>();
  for (const r of rows) {
    const key = `${r.phase} ${r.target} ${r.level}`;
    byLevel.set(key, [...(byLevel.get(key) ?? []), r]);
  }
  const lines: string[] = [];
  const warnings: string[] = [];
  for (const level of byLevel.values()) {
    const r0 = level[0]!;
    const worst = level.reduce((a, b) => (b.late_ms > a.late_ms ? b : a));
    const name = levelName(r0.phase, r0.target, r0.level);
    const late = worst.late_ms > 0 ? `shard ${worst.shard} ready ${worst.late_ms.toFixed(3)} ms after it (the latest)` : 'every shard ready before it';
    lines.push(`${name}: ${level.length} shard(s) from ${new Date(r0.planned_at_ms).toISOString()}, ${late}`);
    if (worst.late_ms > lateMs) warnings.push(`${name}: shard ${worst.shard} was ready ${worst.late_ms.toFixed(3)} ms after the level's instant, more than rate_late_ms ${lateMs} ms: its first requests started late because of the shard (give a later --levels-at; docs/shards.md)`);
  }
  return { lines, warnings };
}
