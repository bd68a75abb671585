import { spawn } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as merge } from '../../stages/merge.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { QUERIES } from '../../lib/workload/queries.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import { arrivalSchedule } from '../../lib/workload/arrival-schedule.js';
import { openStore } from '../../lib/store/open.js';
import { captureOutput } from '../helpers/capture.js';
import { createNamespaces, SERVICE_ADDR, startRelay, type Namespaces } from '../helpers/netns.js';
import { PG_TEST_DB, REQUIRE_POSTGRES, pgTestServer, preparePgTestDatabase } from '../helpers/postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * Shards across hosts (docs/shards.md), on this machine: 3 `measure --shard k/3` processes, each
 * in its own network namespace (veth to the root namespace) with its own host name, against the
 * one local PostgreSQL (through a relay on a service address, lib: test/helpers/netns.ts), each
 * into its own store; then `merge`. The merged run's percentiles must equal those of one store
 * holding the same raw samples, and the union of the shards must be exactly the single-host
 * schedule; likewise for one open-loop level (`--levels-at`). A missing shard, a duplicate shard and a shard of another config are refused (exit 2)
 * naming the store. Under CI=true, no namespaces or no server fails the test.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`shard test needs PostgreSQL here (CI=true): ${pgProblem}`);
const NEED_NETNS = REQUIRE_POSTGRES || process.env.CI === 'true';
const netnsProblem = process.getuid?.() === 0 ? undefined : 'not root: network namespaces need root';
if (netnsProblem && NEED_NETNS) throw new Error(`shard test needs network namespaces here (CI=true): ${netnsProblem}`);

const N = 3;
const ITERATIONS = 30;
const OPEN_LOOP_RATE = 90;

interface Shard {
  store: string;
  code: number;
  log: string;
}

function runInNamespace(ns: string, host: string, args: string[]): Promise<{ code: number; log: string }> {
  return new Promise((resolve, reject) => {
    // unshare --uts: a host name of its own, as on N hosts; the root namespace's name is untouched.
    const child = spawn('ip', ['netns', 'exec', ns, 'unshare', '--uts', 'sh', '-c', 'hostname "$0" && exec "$@"', host, process.execPath, '--import', 'tsx', ...args], {
      cwd: PROJECT_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += String(d)));
    child.stderr.on('data', (d) => (log += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, log }));
  });
}

async function samplesOf(store: string): Promise<{ target: string; query_id: string; iteration: number; elapsed_ns: number }[]> {
  const db = await openStore(store);
  try {
    return await db.all("SELECT target, query_id, iteration, elapsed_ns FROM samples WHERE phase = 'measure' AND ok = 1 ORDER BY target, query_id, iteration");
  } finally {
    await db.close();
  }
}

async function aggregatesOf(store: string, runId: string) {
  const db = await openStore(store);
  try {
    return await db.all<{ target: string; level: string; key: string; count: number; p50_ms: number; p95_ms: number; p99_ms: number; min_ms: number; max_ms: number }>(
      'SELECT target, level, key, count, p50_ms, p95_ms, p99_ms, min_ms, max_ms FROM aggregates WHERE run_id = ? ORDER BY target, level, key', [runId],
    );
  } finally {
    await db.close();
  }
}

const expectRefused = async (argv: string[], pattern: RegExp) => {
  const { result, stderr } = await captureOutput(() => merge(argv));
  expect(result, stderr).toBe(2);
  expect(stderr).toMatch(pattern);
};

describe.skipIf(pgProblem !== undefined || netnsProblem !== undefined)('shards across hosts, in network namespaces', () => {
  let nsets: Namespaces | undefined;
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  let p: TmpProfile;
  let runId = '';
  const shards: Shard[] = [];

  beforeAll(async () => {
    nsets = createNamespaces(N);
    const pg = pgTestServer();
    relay = await startRelay({ host: pg.host, port: pg.port });
    p = await tmpProfile({
      iterations: ITERATIONS, warmup: 1, verify_queries: 0, targets: ['postgres'], rate_late_ms: 1,
      // One sharded open-loop level (docs/shards.md): 1 s at 90/s, each shard every 3rd arrival.
      rate: [OPEN_LOOP_RATE], rate_duration_s: 1, rate_grace_s: 0.5, rate_sessions: 3, rate_queries: ['simple_select_id'], seed: 5,
      target_options: { postgres: { provision: 'existing', host: SERVICE_ADDR, port: relay.port, user: pg.user, database: PG_TEST_DB, password_env: 'PB_PG_PASSWORD' } },
    });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup]);
    // Each host seeds or finds the dataset in its own store; here the seeded store is copied.
    const startAt = Date.now() + 25_000;
    // The open-loop level after every shard's timed loop (30 iterations: well under a second here).
    const levelsAt = startAt + 5_000;
    const runs = await Promise.all(
      nsets.names.map(async (ns, j) => {
        const store = join(p.dir, `shard-${j + 1}.sqlite`);
        await copyFile(p.store, store);
        const r = await runInNamespace(ns, `shard-${j + 1}`, ['stages/measure.ts', '--config', p.config, '--store', store, '--shard', `${j + 1}/${N}`, '--start-at', String(startAt), '--levels-at', String(levelsAt)]);
        return { store, ...r };
      }),
    );
    shards.push(...runs);
  }, 240_000);

  afterAll(async () => {
    await relay?.close();
    nsets?.cleanup();
  });

  it('runs each shard in its own namespace and merges them into the single-host schedule with the same percentiles', async () => {
    for (const [j, s] of shards.entries()) {
      expect(s.code, s.log).toBe(0);
      expect(s.log).toMatch(new RegExp(`shard ${j + 1}/${N} on shard-${j + 1}: postgres clock − host clock [+-]\\d+\\.\\d{3} ms`));
    }
    // Every namespace reached the server through its own veth (plus the root namespace's seed).
    for (let k = 1; k <= N; k++) expect(relay!.sources.has(nsets!.addressOf(k)), [...relay!.sources].join(' ')).toBe(true);

    const out = join(p.dir, 'merged.sqlite');
    const { result, stderr } = await captureOutput(() => merge(['--config', p.config, '--stores', shards.map((s) => s.store).join(' '), '--out', out]));
    expect(result, stderr).toBe(0);
    for (let k = 1; k <= N; k++) expect(stderr).toMatch(new RegExp(`shard ${k}/${N} on shard-${k}: `));
    runId = /run (\S+): 3 shard\(s\) merged/.exec(stderr)![1]!;

    const db = await openStore(out);
    const shardRows = await db.all<{ shard: number; host: string; clock_offset_start_ms: number | null; clock_offset_end_ms: number | null; source_store: string }>('SELECT * FROM run_shards WHERE run_id = ? ORDER BY shard', [runId]);
    const run = await db.get<{ status: string }>('SELECT status FROM runs WHERE run_id = ?', [runId]);
    const order = await db.all<{ target: string; query_id: string; iteration: number }>("SELECT target, query_id, iteration FROM samples WHERE run_id = ? AND phase = 'measure'", [runId]);
    await db.close();
    expect(run?.status).toBe('complete');
    expect(shardRows.map((r) => [r.shard, r.host, r.source_store])).toEqual(shards.map((s, j) => [j + 1, `shard-${j + 1}`, s.store]));
    for (const r of shardRows) expect(Number.isFinite(r.clock_offset_start_ms) && Number.isFinite(r.clock_offset_end_ms)).toBe(true);
    // The union is exactly the single-host schedule: every iteration of every query, once.
    const keys = order.map((s) => `${s.target} ${s.query_id} ${s.iteration}`).sort();
    const expected = QUERIES.flatMap((q) => Array.from({ length: ITERATIONS }, (_, i) => `postgres ${q.id} ${i}`)).sort();
    expect(keys).toEqual(expected);

    // One store holding the same raw samples, built without merge: shard 1's store plus the
    // other shards' samples as they are.
    const single = join(p.dir, 'single.sqlite');
    await copyFile(shards[0]!.store, single);
    const sdb = await openStore(single);
    for (const s of shards.slice(1)) {
      await sdb.run('ATTACH DATABASE ? AS other', [s.store]);
      await sdb.run("INSERT INTO samples SELECT * FROM other.samples WHERE run_id = ? AND phase = 'measure'", [runId]);
      await sdb.exec('DETACH DATABASE other');
    }
    await sdb.close();
    for (const store of [out, single]) await expectStagesOk(['--config', p.config, '--store', store, '--run', runId], [aggregate]);
    const [merged, one] = [await aggregatesOf(out, runId), await aggregatesOf(single, runId)];
    expect(merged.length).toBeGreaterThan(QUERIES.length);
    expect(merged).toEqual(one);
    // The report of the merged run states each shard's host and clock.
    await expectStagesOk(['--config', p.config, '--store', out, '--run', runId], [render]);
    const table = await readFile(join(p.reports, runId, 'table.txt'), 'utf8');
    expect(table).toMatch(/shards: {5}3 of 3 merged, on 3 host\(s\)/);
    for (let k = 2; k <= N; k++) expect(table).toMatch(new RegExp(`shard ${k}/3 on shard-${k}: host clock vs shard 1 [+-]\\d+\\.\\d{3} ms \\(± \\d+\\.\\d{3} ms\\)`));

    // And from the raw samples themselves: the union of the shards' stores, quantiles as aggregate defines them.
    const raw = (await Promise.all(shards.map((s) => samplesOf(s.store)))).flat();
    expect((await samplesOf(out)).map((s) => s.elapsed_ns).sort()).toEqual(raw.map((s) => s.elapsed_ns).sort());
    for (const q of QUERIES) {
      const ms = Float64Array.from(raw.filter((s) => s.query_id === q.id).map((s) => s.elapsed_ns / 1e6)).sort();
      const row = merged.find((r) => r.level === 'query' && r.key === q.id)!;
      expect([row.count, row.p50_ms, row.p95_ms, row.p99_ms]).toEqual([ms.length, quantileSorted(ms, 0.5), quantileSorted(ms, 0.95), quantileSorted(ms, 0.99)]);
    }
  });

  it('merges the sharded open-loop level into the single-host schedule, its percentiles those of the raw union', async () => {
    const out = join(p.dir, 'merged.sqlite');
    const union = (
      await Promise.all(shards.map(async (sh) => {
        const db = await openStore(sh.store);
        try {
          return await db.all<{ seq: number; intended_ns: number; start_ns: number | null; end_ns: number | null; ok: number | null; dropped: number; late: number }>('SELECT * FROM open_loop_samples WHERE run_id = ?', [runId]);
        } finally {
          await db.close();
        }
      }))
    ).flat();
    const schedule = arrivalSchedule({ seed: 5, rate: OPEN_LOOP_RATE, arrival: 'poisson', durationNs: 1e9 });
    expect(union.map((r) => [r.seq, r.intended_ns]).sort((a, b) => a[0]! - b[0]!)).toEqual(Array.from(schedule, (t, j) => [j, t]));
    const db = await openStore(out);
    const [agg] = await db.all<{ scheduled: number; late: number; dropped: number; p50_ms: number; p99_ms: number; service_p99_ms: number; sessions: number }>(
      "SELECT * FROM open_loop_aggregates WHERE run_id = ? AND scope = 'all'", [runId],
    );
    const levels = await db.all<{ shard: number; late_ms: number }>("SELECT shard, late_ms FROM shard_levels WHERE run_id = ? AND phase = 'open_loop' ORDER BY shard", [runId]);
    await db.close();
    const ok = union.filter((r) => r.ok === 1);
    const corrected = Float64Array.from(ok.map((r) => (r.end_ns! - r.intended_ns) / 1e6)).sort();
    const service = Float64Array.from(ok.map((r) => (r.end_ns! - r.start_ns!) / 1e6)).sort();
    expect([agg!.scheduled, agg!.sessions, agg!.late, agg!.dropped]).toEqual([schedule.length, 3, union.filter((r) => r.late === 1).length, union.filter((r) => r.dropped === 1).length]);
    expect([agg!.p50_ms, agg!.p99_ms, agg!.service_p99_ms]).toEqual([quantileSorted(corrected, 0.5), quantileSorted(corrected, 0.99), quantileSorted(service, 0.99)]);
    expect(levels.map((l) => l.shard)).toEqual([1, 2, 3]);
  });

  it('refuses a missing shard, a duplicate shard and a shard of another config, naming the store (exit 2)', async () => {
    const [s1, s2, s3] = shards.map((s) => s.store) as [string, string, string];
    const argv = (stores: string[], out: string) => ['--config', p.config, '--stores', stores.join(','), '--out', join(p.dir, out)];
    await expectRefused(argv([s1, s2], 'm1.sqlite'), new RegExp(`shard 3 of 3 missing .*shard 1 in "${s1}".*shard 2 in "${s2}".*a partial set is never merged`));
    const dup = join(p.dir, 'shard-1-again.sqlite');
    await copyFile(s1, dup);
    await expectRefused(argv([s1, dup, s2, s3], 'm2.sqlite'), new RegExp(`store "${dup}": shard 1/3 is also in store "${s1}"`));
    const other = join(p.dir, 'shard-3-other-config.sqlite');
    await copyFile(s3, other);
    const db = await openStore(other);
    await db.run("UPDATE run_shards SET config_fingerprint = 'other'");
    await db.close();
    await expectRefused(argv([s1, s2, other], 'm3.sqlite'), new RegExp(`store "${other}" \\(shard 3/3\\): config_fingerprint other differs from [0-9a-f]{64} of store "${s1}"`));
  });

  it('refuses a merge without --out before touching any store (exit 2)', async () => {
    const { result, stderr } = await captureOutput(() => merge(['--config', p.config, '--stores', shards.map((s) => s.store).join(' ')]));
    expect(result).toBe(2);
    expect(stderr).toMatch(/--out: give the store to write the merged run to/);
  });

  it('refuses a --start-at in the past (exit 2), before writing anything', async () => {
    const { result, stderr } = await captureOutput(() => measure(['--config', p.config, '--store', join(p.dir, 'late.sqlite'), '--shard', '1/2', '--start-at', String(Date.now() - 60_000)]));
    expect(result, stderr).toBe(2);
    expect(stderr).toMatch(/--start-at \d+ \(.*\) is 60\.\d s in the past on this host/);
  });
});
