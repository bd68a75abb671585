import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { readClientCapacity } from '../../lib/store/client-capacity.js';
import { openStore } from '../../lib/store/open.js';
import { captureOutput } from '../helpers/capture.js';
import { REQUIRE_POSTGRES, pgTestTargetOptions, preparePgTestDatabase } from '../helpers/postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The client's capacity is measured and stored at the start of measure on the local PostgreSQL
 * (a run with a sweep and an open loop), and the report states it. PostgreSQL missing fails under CI=true.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`client-capacity test needs PostgreSQL here (CI=true): ${pgProblem}`);

describe.skipIf(pgProblem !== undefined)('client capacity on PostgreSQL', () => {
  it('records requests per second per thread of a bare SELECT 1 loop and reports it with the levels', async () => {
    const p = await tmpProfile({
      iterations: 3, warmup: 1, verify_queries: 0, targets: ['postgres'], target_options: { postgres: pgTestTargetOptions() },
      client_threads: 2, concurrency: [1, 2], sweep_requests: 5, rate: [40], rate_requests: 20, rate_sessions: 2,
    });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup]);
    const { result, stderr, stdout } = await captureOutput(() => measure(['--config', p.config]));
    expect(result, stderr).toBe(0);
    expect(stdout + stderr).toMatch(/client capacity \(bare loop of the trivial statement, untimed\): postgres [\d,]+\/s per thread × 2 threads \([\d,]+ requests in 1\.\d\d s, [\d.]+ µs CPU each\)/);
    await expectStagesOk(['--config', p.config], [aggregate, render]);
    const db = await openStore(p.store);
    const [cap] = await readClientCapacity(db, (await db.get<{ run_id: string }>('SELECT run_id FROM runs'))!.run_id);
    await db.close();
    expect(cap).toMatchObject({ target: 'postgres', statement: 'SELECT 1', threads: 2, in_process: 0 });
    expect(cap!.requests).toBeGreaterThan(100);
    expect(cap!.wall_ns).toBeGreaterThanOrEqual(1e9);
    // CPU-bound per thread ≥ the one session's round-trip-bound wall rate.
    expect(cap!.per_thread_rps).toBeGreaterThanOrEqual(cap!.wall_rps * 0.99);
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/Client capacity \(a bare loop of `SELECT 1` on one session at the start of measure, 1\.\d s, .*\): postgres [\d,]+\/s per thread \(2 threads\)/);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(results.client_capacity.targets[0]).toMatchObject({ target: 'postgres', threads: 2, per_thread_rps: Math.round(cap!.per_thread_rps) });
    const level = results.concurrency_sweep.find((l: { clients: number; scope: string }) => l.clients === 2 && l.scope === 'all');
    expect(level.client_capacity_share).toBeCloseTo(level.qps_wall / (2 * cap!.per_thread_rps), 2);
    expect(typeof level.client_bound_risk).toBe('boolean');
    expect(results.open_loop.levels[0].client_capacity_share).toBeCloseTo(40 / (2 * cap!.per_thread_rps), 3);
  });
});
