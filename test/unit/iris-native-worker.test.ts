import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { ExitCode, TargetUnavailableError, errorText } from '../../lib/errors.js';
import { runOpenLoopLevel } from '../../lib/measure/open-loop.js';
import { runPhase } from '../../lib/measure/run-phase.js';
import { runSweepLevel } from '../../lib/measure/sweep.js';
import { timedCall } from '../../lib/measure/timed-call.js';
import { readMarker } from '../../lib/pipeline/marker.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import { fillTemplate } from '../../lib/targets/dialect.js';
import type { Session } from '../../lib/targets/interface.js';
import { target } from '../../lib/targets/iris-native/index.js';
import { irisNativeOptionsSchema } from '../../lib/targets/iris-native/options.js';
import { irisDialect } from '../../lib/targets/iris-sql/dialect.js';
import { IrisSqlError } from '../../lib/targets/iris-sql/errors.js';
import { rowsPerQuery } from '../../lib/targets/row-fingerprint.js';
import { vectorBatches } from '../../lib/workload/generator.js';
import { QUERIES } from '../../lib/workload/queries.js';

/**
 * The iris-native session design against the SDK test double (test/fixtures/iris-sdk-double),
 * loaded inside each session's worker thread exactly as the real SDK is (sdk_path). The double
 * blocks its thread like the real, synchronous SDK: `/* sleep N *\/` waits in Atomics.wait, `/* spin
 * N *\/` burns the thread, `/* hang *\/` never returns. These tests show that sessions really run at
 * the same time, that the main thread stays free, that timings come from inside the worker, and
 * that a hung call is ended by statement_timeout_s with a clear message and an exit-3 abort.
 */
const SDK_DOUBLE = join(PROJECT_ROOT, 'test', 'fixtures', 'iris-sdk-double');
const ctxFor = (extra: Record<string, unknown> = {}) => ({ options: irisNativeOptionsSchema.parse({ sdk_path: SDK_DOUBLE, ...extra }), root: PROJECT_ROOT });

const opened: Session[] = [];
async function open(extra: Record<string, unknown> = {}): Promise<Session> {
  const s = await target.open(ctxFor(extra));
  opened.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

const openTarget = (session: Session): OpenTarget => ({ id: 'iris-native', type: 'iris-native', module: target, ctx: ctxFor(), session });
const ms = (ns: bigint | number) => Number(ns) / 1e6;

describe('iris-native sessions run in worker threads', () => {
  it('each session has a thread of its own, not the main thread, and says so in its environment', async () => {
    const [a, b] = [await open(), await open()];
    const ta = (await a.query('/* thread */ SELECT 1')).rows[0]![0];
    const tb = (await b.query('/* thread */ SELECT 1')).rows[0]![0];
    expect(new Set([ta, tb, threadId]).size).toBe(3);
    const env = await target.environment(a);
    expect(env.driver).toMatch(/^InterSystems IRIS Native SDK for Node\.js \(sdk_path .*iris-sdk-double 0\.0\.0-test-double, API 0\.0\.0-double\), one worker thread per session$/);
  });

  it('concurrency is real: two sessions blocked 300 ms each overlap in wall time (the concurrency sweep)', async () => {
    const sessions = [await open(), await open()];
    const { samples, level } = await runSweepLevel({
      runId: 'r', target: openTarget(sessions[0]!), sessions, queries: [QUERIES[0]!],
      calls: [[{ sql: '/* sleep 300 */ SELECT 1', params: [] }]], requests: 1,
    });
    expect(samples.map((s) => s.ok)).toEqual([1, 1]);
    const [x, y] = samples.map((s) => ({ start: s.start_ns, end: s.start_ns + s.elapsed_ns }));
    // Each call took its 300 ms inside its worker; the two intervals overlap, and the level took about one call, not two.
    for (const s of samples) expect(ms(s.elapsed_ns)).toBeGreaterThanOrEqual(299);
    expect(Math.max(x!.start, y!.start)).toBeLessThan(Math.min(x!.end, y!.end));
    expect(ms(level.wall_ns)).toBeLessThan(550);
    expect(level.concurrent_sessions).toBe(1);
  });

  it('the main thread stays free while a call burns its worker thread', async () => {
    const s = await open();
    const call = s.query('/* spin 400 */ SELECT 1');
    const t0 = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const timerLate = ms(process.hrtime.bigint() - t0) - 20;
    expect((await call).rows).toEqual([[400]]);
    // On the main thread the timer would have waited for the whole 400 ms call.
    expect(timerLate).toBeLessThan(200);
  });

  it('timings come from inside the worker: t0 lies between the main thread\'s readings, the hops are left out', async () => {
    const s = await open();
    await s.query('SELECT 1'); // warm the path
    const before = process.hrtime.bigint();
    const r = await s.query('/* sleep 50 */ SELECT 1');
    const after = process.hrtime.bigint();
    expect(r.timing).toBeDefined();
    const { t0, elapsedNs } = r.timing!;
    expect(t0 > before && t0 + elapsedNs < after).toBe(true);
    expect(ms(elapsedNs)).toBeGreaterThanOrEqual(49);
    // timedCall (every loop but the closed loop's inline copy) reports exactly the worker's readings.
    const t = await timedCall(s, '/* sleep 20 */ SELECT 1', []);
    expect(t.error).toBeUndefined();
    expect(t.rowCount).toBe(1);
    expect(ms(t.elapsedNs)).toBeGreaterThanOrEqual(19);
    expect(ms(t.elapsedNs)).toBeLessThan(ms(after - before));
  });

  it('the closed loop stores the worker\'s readings, for successes and for SQL errors alike', async () => {
    const s = await open();
    const rows: { start_ns: number; elapsed_ns: number; ok: number; error: string | null }[] = [];
    const sqlError = JSON.stringify({ error: { sqlcode: -1, message: 'Invalid SQL statement' } });
    const before = process.hrtime.bigint();
    await runPhase({
      runId: 'r', phase: 'measure', queries: [QUERIES[0]!, QUERIES[1]!], iterations: 2,
      targets: [{ target: openTarget(s), calls: [[0, 1].map(() => ({ sql: '/* sleep 30 */ SELECT 1', params: [] })), [0, 1].map(() => ({ sql: `/* reply ${sqlError} */`, params: [] }))] }],
      flush: async (r) => void rows.push(...r),
    });
    expect(ms(process.hrtime.bigint() - before)).toBeGreaterThan(60);
    expect(rows.map((r) => r.ok)).toEqual([1, 0, 1, 0]);
    expect(rows[1]!.error).toMatch(/IRIS SQLCODE -1: Invalid SQL statement/);
    for (const r of rows.filter((x) => x.ok)) expect(r.elapsed_ns / 1e6).toBeGreaterThanOrEqual(29);
    // Start offsets are monotonic: one session, requests back to back.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.start_ns).toBeGreaterThan(rows[i - 1]!.start_ns + rows[i - 1]!.elapsed_ns);
  });

  it('the open loop: start times are the worker\'s, lateness stays small, two sessions serve two due requests at once', async () => {
    const sessions = [await open(), await open()];
    const t = await runOpenLoopLevel({
      sessions, schedule: Float64Array.of(0, 0, 100e6), dropAfterNs: 5e9, isConnectionLoss: target.isConnectionLoss,
      calls: [0, 1, 2].map(() => ({ sql: '/* sleep 200 */ SELECT 1', params: [] })),
    });
    expect([...t.dropped]).toEqual([0, 0, 0]);
    expect([...t.queued]).toEqual([0, 0, 1]); // the third finds both sessions busy
    // Requests 0 and 1 start within a few ms of their due time, on different sessions, and overlap.
    for (const i of [0, 1]) expect(ms(t.startNs[i]!)).toBeLessThan(100);
    expect(new Set([t.sessionOf[0], t.sessionOf[1]]).size).toBe(2);
    for (const i of [0, 1, 2]) expect(ms(t.endNs[i]! - t.startNs[i]!)).toBeGreaterThanOrEqual(199);
    // The queued one starts once a session is free: after the first completion, not before.
    expect(t.startNs[2]!).toBeGreaterThanOrEqual(Math.min(t.endNs[0]!, t.endNs[1]!));
  });
});

describe('iris-native: statement_timeout_s ends a hung call', () => {
  it('a call that never returns rejects after the timeout with a clear connection-loss error; the session stays dead', async () => {
    const s = await open({ statement_timeout_s: 1.5 });
    expect((await s.query('SELECT 1')).rows).toEqual([['ok']]);
    const t0 = process.hrtime.bigint();
    const err = await s.query('/* hang */ SELECT 1').then(() => undefined, (e: unknown) => e);
    const took = ms(process.hrtime.bigint() - t0);
    expect(errorText(err)).toMatch(/^no answer from IRIS at 127\.0\.0\.1:1972\/USER for 1\.5 s \(statement_timeout_s\): the session's worker thread was terminated and its connection closed as stalled$/);
    expect(target.isConnectionLoss(err)).toBe(true);
    // Between the timeout and 1.25 × it, plus slack for a loaded machine. 1.5 s, not less: under
    // load (average 6) the worker's first query alone took over 0.4 s and tripped the watchdog.
    expect(took).toBeGreaterThanOrEqual(1499);
    expect(took).toBeLessThan(2600);
    await expect(s.query('SELECT 1')).rejects.toThrow(/statement_timeout_s/);
    const c0 = process.hrtime.bigint();
    await s.close();
    expect(ms(process.hrtime.bigint() - c0)).toBeLessThan(1000);
  });

  it('a hung call during the measurement aborts the run (exit 3) naming the target and the timeout', async () => {
    const s = await open({ statement_timeout_s: 1.5 });
    const flushed: unknown[] = [];
    const err = await runPhase({
      runId: 'r', phase: 'measure', queries: [QUERIES[0]!], iterations: 3,
      targets: [{ target: openTarget(s), calls: [[{ sql: 'SELECT 1', params: [] }, { sql: '/* hang */ SELECT 1', params: [] }, { sql: 'SELECT 1', params: [] }]] }],
      flush: async (r) => void flushed.push(...r),
    }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnavailableError);
    expect((err as TargetUnavailableError).exitCode).toBe(ExitCode.targetUnavailable);
    expect(errorText(err)).toMatch(/measure: 1 target\(s\) unavailable, run aborted:\n {2}- iris-native: lost during measure \(simple_select_all, iteration 1\): no answer from IRIS .* for 1\.5 s \(statement_timeout_s\)/);
    expect(flushed).toHaveLength(2); // the first request and the failed one were kept
  });

  it('statement_timeout_s 0 sets no watchdog; a slow call just takes its time', async () => {
    const s = await open({ statement_timeout_s: 0 });
    expect((await s.query('/* sleep 150 */ SELECT 1')).rows).toEqual([[150]]);
  });
});

describe('iris-native: errors cross the thread boundary intact', () => {
  it('an SQL error is an IrisSqlError carrying the worker\'s timing; a missing table, in either wording, is "no marker yet"', async () => {
    const s = await open();
    const reply = (error: object) => `/* reply ${JSON.stringify({ error })} */`;
    const err = await s.query(reply({ sqlcode: -1, message: 'Invalid SQL statement' })).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(IrisSqlError);
    expect((err as IrisSqlError).sqlcode).toBe(-1);
    expect(typeof (err as { timing?: { t0: unknown } }).timing?.t0).toBe('bigint');
    expect(target.isConnectionLoss(err)).toBe(false);
    for (const error of [{ sqlcode: -30, message: "Table 'SQLUSER.PATHBENCH_DATASET' not found" }, { sqlcode: -400, message: "ERROR #5540: SQLCODE: -30 Message: Table 'SQLUSER.PATHBENCH_DATASET' not found" }]) {
      const session = { ...s, query: (sql: string, p?: readonly unknown[]) => s.query(sql === irisDialect.read_marker ? reply(error) : sql, p) } as Session;
      expect(await readMarker(openTarget(session))).toBeUndefined();
    }
  });

  it('an SDK error (a lost link) is a connection loss', async () => {
    const s = await open();
    const err = await s.query('/* throw <COMMUNICATION LINK ERROR> Connection reset by peer */').then(() => undefined, (e: unknown) => e);
    expect(errorText(err)).toBe('<COMMUNICATION LINK ERROR> Connection reset by peer');
    expect(target.isConnectionLoss(err)).toBe(true);
  });

  it('opening fails with what to do: SDK missing (exit 3), IRIS refusing, PathBench.SQL out of date', async () => {
    const missing = await target.open(ctxFor({ sdk_path: 'no/such/sdk' })).then(() => undefined, (e: unknown) => e);
    expect((missing as { exitCode?: number }).exitCode).toBe(ExitCode.targetUnavailable);
    expect(errorText(missing)).toMatch(/IRIS Native SDK for Node\.js is not installed \(sdk_path no\/such\/sdk: not found\); run `make iris-sdk`/);
    await expect(target.open(ctxFor({ host: 'refuse' }))).rejects.toThrow(/^cannot connect to IRIS at refuse:1972\/USER as _SYSTEM: <COMMUNICATION LINK ERROR> .*Connection refused; start IRIS/);
    await expect(target.open(ctxFor({ host: 'old-class' }))).rejects.toThrow(/^PathBench\.SQL is version 1, not \d+, in namespace USER at old-class:1972\/USER; run `make provision`/);
  });

  it('a closed session refuses further calls and close() is idempotent', async () => {
    const s = await target.open(ctxFor());
    await s.close();
    await s.close();
    await expect(s.query('SELECT 1')).rejects.toThrow(/session is closed/);
  });
});

describe('iris-native as the loader: statements reach IRIS verbatim, a page of rows per round trip', () => {
  it('the HNSW build keeps its parameter names\' case; vectors load in Batch pages', async () => {
    const s = await open();
    const hnsw = fillTemplate(irisDialect.create_hnsw_index, { m: 16, ef_construction: 64, parallel_workers: 0 });
    await s.exec(hnsw);
    const spec = { size: 300, dims: 1024, seed: 1 };
    const done: number[] = [];
    await s.loadVectors(irisDialect.copy_vectors, vectorBatches(spec, 200), (n) => done.push(n));
    const calls = (await s.query('/* calls */')).rows as [string, string, string][];
    expect(calls[0]).toEqual(['Query', hnsw, '[]']);
    expect(hnsw).toMatch(/AS HNSW\(M=16, efConstruction=64, Distance='Cosine'\)/);
    const pages = calls.filter((c) => c[0] === 'Batch');
    const page = rowsPerQuery(spec.dims);
    expect(pages).toHaveLength(Math.ceil(200 / page) + Math.ceil(100 / page));
    expect(pages.reduce((n, c) => n + (JSON.parse((JSON.parse(c[2]) as string[])[0]!) as unknown[]).length, 0)).toBe(300);
    expect(done).toEqual([200, 100]);
  });
});
