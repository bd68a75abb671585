import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from '../targets/interface.js';

/**
 * The wall-clock side of `measure --shard i/N --start-at <epoch ms>` (docs/shards.md). Lives in
 * lib/measure because only lib/measure reads the clock; nothing here runs inside a timed region.
 */

/** How far in the past --start-at may be when measure starts (ms): a shard started by hand a moment late still runs. */
export const START_AT_TOLERANCE_MS = 5_000;

const SPIN_MS = 3;

/** How long before --start-at measure finishes its own set-up (client-load watchers, buffers) and hands over to runPhase's exact wait. */
export const HANDOVER_MS = 100;

/** The host clock now, epoch ms (wall clock, not the monotonic clock the timed loops use). */
export const epochNowMs = (): number => Date.now();

export const hostName = (): string => hostname();

/** How many ms --start-at lies in the past (≤ 0: in the future). */
export function startAtLagMs(startAtMs: number): number {
  return epochNowMs() - startAtMs;
}

/**
 * Sleep until the host clock reaches `startAtMs` (in steps of at most 1 s, so an abort is seen).
 * Returns the host clock at wake-up (epoch ms), how late that is (ms, ≥ 0: the timer's own lateness,
 * or, when `slept` is false, how far the untimed preparation ran past the instant; it then starts at once).
 */
export async function sleepUntil(startAtMs: number, signal?: AbortSignal, spinMs = SPIN_MS): Promise<{ wokeMs: number; lateMs: number; slept: boolean }> {
  const slept = epochNowMs() < startAtMs;
  // Timers fire late by a few ms on a busy host: sleep until spinMs before the instant, then
  // spin on the clock for the rest (at most spinMs of one core, before any timed region).
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    const left = startAtMs - epochNowMs();
    if (left <= spinMs) break;
    await sleep(Math.min(left - spinMs, 1000));
  }
  while (epochNowMs() < startAtMs);
  const wokeMs = epochNowMs();
  return { wokeMs, lateMs: wokeMs - startAtMs, slept };
}

/** Database clock − host clock (ms) and the round trip it was read in (ms): the offset is known to ± rtt/2. */
export interface ClockOffset {
  offset_ms: number;
  rtt_ms: number;
}

/**
 * The host clock against the database's: `sql` (the dialect's server_clock, which returns the
 * server's clock as epoch ms) is sent `tries` times; each reply is set against the midpoint of the
 * host readings around it, and the try with the shortest round trip wins (NTP's rule: the
 * shortest exchange bounds the asymmetry best). Untimed; before and after the timed loops only.
 */
export async function databaseClockOffset(session: Session, sql: string, tries = 7): Promise<ClockOffset> {
  let best: ClockOffset | undefined;
  for (let k = 0; k < tries; k++) {
    const before = performance.timeOrigin + performance.now();
    const out = await session.query(sql, []);
    const after = performance.timeOrigin + performance.now();
    const server = Number(out.rows[0]?.[0]);
    if (!Number.isFinite(server)) throw new Error(`server_clock returned ${JSON.stringify(out.rows[0]?.[0])}, expected epoch milliseconds`);
    const rtt = after - before;
    if (best === undefined || rtt < best.rtt_ms) best = { offset_ms: server - (before + after) / 2, rtt_ms: rtt };
  }
  return { offset_ms: Math.round(best!.offset_ms * 1000) / 1000, rtt_ms: Math.round(best!.rtt_ms * 1000) / 1000 };
}

/**
 * The monotonic clock reading (process.hrtime.bigint()) that corresponds to `instantMs` on the
 * host's wall clock, and how late the caller is for it (ms; ≤ 0 = the instant is still ahead).
 * A sharded open-loop level takes it as its origin: its requests are due at their schedule
 * offsets from the shared instant even when the shard gets there late (they are then late, and
 * counted so). Read outside any timed region.
 */
export function originAtEpoch(instantMs: number): { origin: bigint; lateMs: number } {
  const hr = process.hrtime.bigint();
  const nowMs = performance.timeOrigin + performance.now();
  const lateMs = nowMs - instantMs;
  return { origin: hr - BigInt(Math.round(lateMs * 1e6)), lateMs: Math.round(lateMs * 1000) / 1000 };
}
