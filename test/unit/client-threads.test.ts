import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { ExitCode, TargetUnavailableError } from '../../lib/errors.js';
import { ClientThreads } from '../../lib/measure/client-threads.js';
import { runOpenLoopLevel } from '../../lib/measure/open-loop.js';
import { runSweepLevel, sweepLevelRows } from '../../lib/measure/sweep.js';
import { mergeThreadLoads, scheduleShares, sessionBlocks } from '../../lib/measure/thread-share.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import { arrivalSchedule } from '../../lib/workload/arrival-schedule.js';
import { QUERIES } from '../../lib/workload/queries.js';
import { target as double } from '../fixtures/client-thread-double.js';

const MODULE_URL = new URL('../fixtures/client-thread-double.ts', import.meta.url).href;
const spec = (options: Record<string, unknown> = {}) => ({ id: 'double', type: 'double', options, root: PROJECT_ROOT, setup: [{ sql: 'SET x', params: [] }], moduleUrl: MODULE_URL });
const openTarget = async (): Promise<OpenTarget> => ({ id: 'double', type: 'double', module: double, ctx: { options: {}, root: PROJECT_ROOT }, session: await double.open({ options: {}, root: PROJECT_ROOT }) });

const started: ClientThreads[] = [];
async function threads(n: number, options: Record<string, unknown> = {}): Promise<ClientThreads> {
  const t = await ClientThreads.start(spec(options), n, 'test');
  started.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.close()));
});

/** Every 7th request fails with its own index in the message: errors then show which call each request ran. */
const callsFor = (n: number) => Array.from({ length: n }, (_, i) => ({ sql: i % 7 === 3 ? `SELECT /* fail ${i} */ 1` : 'SELECT /* sleep 1 */ 1', params: [i] }));

describe('thread shares (arithmetic)', () => {
  it('splits sessions in contiguous blocks, the first threads one more, never more threads than sessions', () => {
    expect(sessionBlocks(5, 2)).toEqual([{ base: 0, count: 3 }, { base: 3, count: 2 }]);
    expect(sessionBlocks(2, 4)).toEqual([{ base: 0, count: 1 }, { base: 1, count: 1 }]);
    expect(() => sessionBlocks(0, 2)).toThrow(/0 sessions/);
  });
  it('gives request i to the owner of session i mod S: every request exactly once, shares proportional to sessions', () => {
    const shares = scheduleShares(10, sessionBlocks(3, 2));
    expect(shares.map((s) => [...s])).toEqual([[0, 1, 3, 4, 6, 7, 9], [2, 5, 8]]);
  });
  it('merges loads by the worst thread, never averaging', () => {
    const l = (cpu: number, p99: number, samples: number) => ({ cpu_cores: cpu, event_loop_delay_p50_ms: p99 / 2, event_loop_delay_p99_ms: p99, event_loop_delay_max_ms: p99 * 2, event_loop_samples: samples, wall_s: 1 });
    expect(mergeThreadLoads([l(0.2, 4, 100), l(0.7, 1, 50)], 1.2345)).toEqual({
      cpu_cores: 0.7, event_loop_delay_p50_ms: 2, event_loop_delay_p99_ms: 4, event_loop_delay_max_ms: 8, event_loop_samples: 50, wall_s: 1.235,
    });
  });
});

describe('client threads', () => {
  it('open loop at a shared instant (sharded level): no request before it, and a late instant stays the origin', async () => {
    const schedule = arrivalSchedule({ seed: 5, rate: 400, arrival: 'uniform', requests: 40 });
    const calls = Array.from(schedule, () => ({ sql: 'SELECT /* sleep 1 */ 1', params: [] }));
    const pool = await threads(2);
    await pool.openSessions(2);
    const early = await pool.openLoopLevel({ schedule, calls, dropAfterNs: 5e9, startAtEpochMs: performance.timeOrigin + performance.now() + 150 });
    expect(early.startLateMs!).toBeLessThan(0);
    for (let i = 0; i < schedule.length; i++) expect(early.startNs[i]!).toBeGreaterThanOrEqual(schedule[i]!);
    const late = await pool.openLoopLevel({ schedule, calls, dropAfterNs: 5e9, startAtEpochMs: performance.timeOrigin + performance.now() - 300 });
    expect(late.startLateMs!).toBeGreaterThanOrEqual(300);
    for (let i = 0; i < schedule.length; i++) expect(late.startNs[i]! - schedule[i]!).toBeGreaterThan(200e6);
  });

  it('open loop: 1 thread (main) and 3 threads give the same samples of the same schedule, each request its own call', async () => {
    const schedule = arrivalSchedule({ seed: 5, rate: 1500, arrival: 'poisson', requests: 600 });
    const calls = callsFor(schedule.length);
    const t = await openTarget();
    const sessions = await Promise.all([0, 1, 2, 3, 4].map(() => double.open(t.ctx)));
    const one = await runOpenLoopLevel({ sessions, schedule, calls, dropAfterNs: 10e9, isConnectionLoss: double.isConnectionLoss });
    const pool = await threads(3);
    expect(await pool.openSessions(5)).toEqual(sessionBlocks(5, 3));
    const three = await pool.openLoopLevel({ schedule, calls, dropAfterNs: 10e9 });
    for (const r of [one, three]) {
      expect([...r.dropped].every((d) => d === 0)).toBe(true);
      expect([...r.sessionOf].every((s) => s >= 0 && s < 5)).toBe(true);
      for (let i = 0; i < schedule.length; i++) {
        expect(r.startNs[i]!).toBeGreaterThanOrEqual(schedule[i]!);
        expect(r.endNs[i]!).toBeGreaterThan(r.startNs[i]!);
      }
      expect(r.errors.size).toBe(calls.filter((c) => c.sql.includes('fail')).length);
      for (const [i, e] of r.errors) expect(String((e as Error)?.message ?? e)).toBe(`double failed request ${i}`);
    }
    // each request ran on a session of the thread that owns its share
    const shares = scheduleShares(schedule.length, sessionBlocks(5, 3));
    shares.forEach((idx, j) => {
      const b = sessionBlocks(5, 3)[j]!;
      for (const i of idx) expect(three.sessionOf[i]! - b.base).toBeLessThan(b.count);
    });
    expect(three.clientLoad.cpu_cores).toBeGreaterThanOrEqual(0);
    expect(three.clientLoad.cpu_cores).toBeLessThanOrEqual(1);
    expect(three.wallNs).toBeGreaterThanOrEqual(schedule.at(-1)!);
  });

  it('sweep: 1 thread and 3 threads give the same rows but for the timings (client, query and outcome of every slot)', async () => {
    const t = await openTarget();
    const queries = QUERIES.slice(0, 3);
    // [query][i]: request (client k, j) of query q uses call (k × requests + j) mod length
    const calls = queries.map((_, q) => Array.from({ length: 40 }, (_, i) => ({ sql: (q * 40 + i) % 9 === 0 ? `SELECT /* fail ${q * 40 + i} */ 1` : 'SELECT 1', params: [] })));
    const sessions = await Promise.all([0, 1, 2, 3].map(() => double.open(t.ctx)));
    const one = await runSweepLevel({ runId: 'r', target: t, sessions, queries, calls, requests: 10 });
    const pool = await threads(3);
    await pool.setSweepCalls(calls);
    await pool.openSessions(4);
    const r = await pool.sweepLevel({ requests: 10 });
    const three = sweepLevelRows({ runId: 'r', target: t, queries, requests: 10, ...r });
    const strip = (rows: typeof one.samples) => rows.map(({ start_ns: _s, elapsed_ns: _e, ...rest }) => rest);
    expect(three.samples).toHaveLength(40);
    expect(strip(three.samples)).toEqual(strip(one.samples));
    expect(three.samples.filter((s) => s.ok === 0).length).toBeGreaterThan(0);
    expect(three.level.concurrency).toBe(4);
    for (const s of three.samples) expect(s.start_ns).toBeGreaterThanOrEqual(0);
  });

  it('a thread that crashes fails the level with exit 3, naming the thread and the target', async () => {
    const pool = await threads(2);
    await pool.openSessions(2);
    const schedule = Float64Array.from({ length: 20 }, (_, i) => i * 1e6);
    // request 5 → session 5 mod 2 = 1, owned by thread 2
    const calls = schedule.length ? Array.from(schedule, (_, i) => ({ sql: i === 5 ? 'SELECT /* crash */ 1' : 'SELECT 1', params: [] })) : [];
    const err = await pool.openLoopLevel({ schedule, calls, dropAfterNs: 5e9 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnavailableError);
    expect((err as TargetUnavailableError).exitCode).toBe(ExitCode.targetUnavailable);
    expect((err as Error).message).toMatch(/double: client thread 2 of 2 crashed: double driver bug/);
    // and so does every later call
    await expect(pool.openLoopLevel({ schedule, calls: calls.map(() => ({ sql: 'SELECT 1', params: [] })), dropAfterNs: 5e9 })).rejects.toThrow(/client thread 2 of 2 crashed/);
  });

  it('a thread that exits fails the sweep with exit 3 naming it; a thread that cannot open its sessions too', async () => {
    const pool = await threads(2);
    await pool.setSweepCalls([[{ sql: 'SELECT 1', params: [] }, { sql: 'SELECT /* exit */ 1', params: [] }]]);
    await pool.openSessions(2);
    const err = await pool.sweepLevel({ requests: 1 }).then(() => undefined, (e: unknown) => e);
    expect((err as TargetUnavailableError).exitCode).toBe(ExitCode.targetUnavailable);
    expect((err as Error).message).toMatch(/double: client thread 2 of 2 exited \(code 7\) during the run/);

    const down = await threads(2, { unreachable: true });
    const e2 = await down.openSessions(3).then(() => undefined, (e: unknown) => e);
    expect((e2 as TargetUnavailableError).exitCode).toBe(ExitCode.targetUnavailable);
    expect((e2 as Error).message).toMatch(/double: client thread [12] of 2: double: connection refused/);
  });
});
