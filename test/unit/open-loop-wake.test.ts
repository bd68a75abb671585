import { describe, expect, it } from 'vitest';
import { runOpenLoopLevel } from '../../lib/measure/open-loop.js';
import { WAKE_GAP_NS, WAKE_KINDS, openWake } from '../../lib/measure/wake.js';
import type { Session } from '../../lib/targets/interface.js';

const instant: Session = {
  async query() {
    return { rowCount: 0, rows: [] };
  },
  async exec() {},
  async loadVectors() {},
  async loadMetadata() {},
  async close() {},
};

describe.each(WAKE_KINDS)('open-loop wake-up: %s', (kind) => {
  it('wakes until every request is due (the precise one never before), no sooner than the gap after the previous wake-up', async () => {
    const wake = await openWake(kind);
    try {
      const schedule = Float64Array.of(3e6, 3.05e6, 9e6, 30e6);
      const wakes: number[] = [];
      let next = 0;
      const origin = process.hrtime.bigint();
      await new Promise<void>((resolve) => {
        wake.start(origin, schedule, () => {
          const now = Number(process.hrtime.bigint() - origin);
          wakes.push(now);
          while (next < schedule.length && schedule[next]! <= now) next++;
          if (next === schedule.length) resolve();
          else wake.released(next, now);
        });
        wake.released(0, 0);
      });
      // Node timers may fire a little early by this clock (libuv caches its loop time); the dispatcher checks and sleeps again.
      if (kind === 'precise') expect(wakes[0]!).toBeGreaterThanOrEqual(3e6);
      // The gap is kept where the wake-up is made (libuv's loop clock for the timer, the helper
      // thread's clock for the precise one), not as this thread sees it: handling one wake-up late
      // shortens the next gap seen here (CI, loaded: 74 µs for the timer, 48 µs for the precise
      // one). What must hold here: never a spin — at most one wake-up per request plus one per
      // too-early or late-handled wake-up.
      expect(WAKE_GAP_NS).toBe(200_000);
      expect(wakes.length).toBeLessThanOrEqual(2 * schedule.length + 2);
      expect(wakes.at(-1)!).toBeGreaterThanOrEqual(30e6);
      expect(next).toBe(schedule.length);
    } finally {
      await wake.close();
    }
  });

  it('drives a whole level: every request released at or after its intended time', async () => {
    const schedule = Float64Array.from({ length: 200 }, (_, i) => i * 0.37e6);
    const t = await runOpenLoopLevel({ sessions: [instant, instant], schedule, calls: Array.from(schedule, () => ({ sql: 'x', params: [] })), dropAfterNs: 10e9, isConnectionLoss: () => false, wake: kind });
    for (let i = 0; i < schedule.length; i++) expect(t.startNs[i]!).toBeGreaterThanOrEqual(schedule[i]!);
    expect([...t.sessionOf].every((s) => s >= 0)).toBe(true);
  });

  it('close() is safe twice and no wake-up comes after stop()', async () => {
    const wake = await openWake(kind);
    let woke = 0;
    wake.start(process.hrtime.bigint(), Float64Array.of(5e6), () => woke++);
    wake.released(0, 0);
    wake.stop();
    await new Promise((r) => setTimeout(r, 30));
    await wake.close();
    await wake.close();
    expect(woke).toBe(0);
  });
});
