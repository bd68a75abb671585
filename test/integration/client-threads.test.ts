import { describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { openStore } from '../../lib/store/open.js';
import { captureOutput } from '../helpers/capture.js';
import { REQUIRE_POSTGRES, pgTestTargetOptions, preparePgTestDatabase } from '../helpers/postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * client_threads on the local PostgreSQL, through the stages: the concurrency sweep and the open
 * loop run in 2 client threads and store the same rows (counts, clients, sessions, schedule) as
 * the same profile on the main thread. PostgreSQL missing fails under CI=true.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`client-threads test needs PostgreSQL here (CI=true): ${pgProblem}`);

const PROFILE = {
  iterations: 3, warmup: 1, verify_queries: 0, targets: ['postgres'],
  concurrency: [1, 3], sweep_requests: 8,
  rate: [80], rate_duration_s: 0.6, rate_sessions: 3, rate_arrival: 'poisson', rate_queries: ['simple_select_id', 'vector_cosine'],
};

async function facts(store: string) {
  const db = await openStore(store);
  try {
    return {
      sweep: await db.all<{ concurrency: number; n: number; clients: number; bad: number }>(
        'SELECT concurrency, count(*) AS n, count(DISTINCT client) AS clients, sum(ok = 0) AS bad FROM sweep_samples GROUP BY concurrency ORDER BY concurrency',
      ),
      sweepSlots: await db.all<{ concurrency: number; client: number; query_id: string; n: number }>(
        'SELECT concurrency, client, query_id, count(*) AS n FROM sweep_samples GROUP BY concurrency, client, query_id ORDER BY 1, 2, 3',
      ),
      open: await db.all<{ seq: number; query_id: string; intended_ns: number; session: number | null; dropped: number; ok: number | null }>(
        'SELECT seq, query_id, intended_ns, session, dropped, ok FROM open_loop_samples ORDER BY seq',
      ),
      levels: await db.all<{ sessions: number; scheduled: number }>('SELECT sessions, scheduled FROM open_loop_levels'),
    };
  } finally {
    await db.close();
  }
}

describe.skipIf(pgProblem !== undefined)('client_threads on PostgreSQL', () => {
  it('runs the sweep and the open loop in 2 threads with the same samples and schedule as on the main thread', async () => {
    const one = await tmpProfile({ ...PROFILE, client_threads: 1, target_options: { postgres: pgTestTargetOptions() } });
    const two = await tmpProfile({ ...PROFILE, client_threads: 2, target_options: { postgres: pgTestTargetOptions() } });
    await expectStagesOk(['--config', one.config], [provision, validate, seed, warmup, measure]);
    await expectStagesOk(['--config', two.config], [provision, validate, seed, warmup]);
    const { result, stderr, stdout } = await captureOutput(() => measure(['--config', two.config]));
    expect(result, stderr).toBe(0);
    const log = stdout + stderr;
    expect(log).toMatch(/sweep postgres × 3 client\(s\) on 2 client threads: 24 requests/);
    expect(log).toMatch(/sweep postgres × 1 client\(s\): 8 requests/); // one client: the main thread
    expect(log).toMatch(/open loop postgres at 80\/s \(poisson, 3 sessions on 2 client threads\)/);
    await expectStagesOk(['--config', two.config], [aggregate, render]);

    const [a, b] = [await facts(one.store), await facts(two.store)];
    expect(b.sweep).toEqual([{ concurrency: 1, n: 8, clients: 1, bad: 0 }, { concurrency: 3, n: 24, clients: 3, bad: 0 }]);
    expect(b.sweepSlots).toEqual(a.sweepSlots);
    expect(b.levels).toEqual(a.levels);
    const strip = (rows: typeof a.open) => rows.map((r) => [r.seq, r.query_id, r.intended_ns, r.dropped]);
    expect(strip(b.open)).toEqual(strip(a.open));
    expect(b.open.length).toBeGreaterThan(20);
    expect(new Set(b.open.map((r) => r.session))).toEqual(new Set([0, 1, 2]));
    expect(b.open.every((r) => r.ok === 1)).toBe(true);
  });

  it('runs a named instance in client threads: the thread loads the instance type, not its name', async () => {
    const { config, store } = await tmpProfile({
      iterations: 2, warmup: 1, verify_queries: 0, concurrency: [2], sweep_requests: 4, client_threads: 2,
      targets: [{ name: 'pg-named', type: 'postgres', ...pgTestTargetOptions() }],
    });
    await expectStagesOk(['--config', config], [provision, validate, seed, warmup]);
    const { result, stderr, stdout } = await captureOutput(() => measure(['--config', config]));
    expect(result, stderr).toBe(0);
    expect(stdout + stderr).toMatch(/sweep pg-named × 2 client\(s\) on 2 client threads: 8 requests/);
    const db = await openStore(store);
    try {
      expect(await db.all('SELECT target, count(*) AS n, sum(ok = 0) AS bad FROM sweep_samples GROUP BY target')).toEqual([{ target: 'pg-named', n: 8, bad: 0 }]);
    } finally {
      await db.close();
    }
  });
});
