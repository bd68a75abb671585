import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as merge } from '../../stages/merge.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import { openStore } from '../../lib/store/open.js';
import { arrivalSchedule } from '../../lib/workload/arrival-schedule.js';
import { captureOutput } from '../helpers/capture.js';
import { pgTestTargetOptions, preparePgTestDatabase, skipLiveTests } from '../helpers/postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * The sharded open loop and concurrency sweep (docs/shards.md) on the local PostgreSQL: 2
 * `measure --shard k/2 --start-at T --levels-at L` processes, each sending every other arrival of
 * the one seeded schedule of 2 rate levels and running every other client of 2 sweep levels;
 * `merge`; then the merged figures must be those computed from the union of the shards' raw
 * samples, and the union must be the single-host schedule.
 * Also the merge's own limits: 12 stores in one merge, and a refused merge that leaves no output
 * file (or a pre-existing --out byte for byte as it was).
 */
const skip = skipLiveTests('sharded open loop', await preparePgTestDatabase());

const RATES = [40, 80];
const DURATION_S = 1.5;
const SEED = 11;

function runShard(args: string[]): Promise<{ code: number; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'stages/measure.ts', ...args], { cwd: PROJECT_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += String(d)));
    child.stderr.on('data', (d) => (log += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, log }));
  });
}

interface OlSample { offered_rate: number; seq: number; session: number | null; intended_ns: number; start_ns: number | null; end_ns: number | null; ok: number | null; late: number; dropped: number }

async function rowsOf<T>(store: string, sql: string, params: (string | number)[] = []): Promise<T[]> {
  const db = await openStore(store);
  try {
    return await db.all<T>(sql, params);
  } finally {
    await db.close();
  }
}

const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe.skipIf(skip)('sharded open loop, merged', () => {
  let p: TmpProfile;
  const stores: string[] = [];
  const logs: string[] = [];
  let runId = '';
  let merged = '';

  beforeAll(async () => {
    p = await tmpProfile({
      targets: ['postgres'], target_options: { postgres: pgTestTargetOptions() }, seed: SEED,
      iterations: 6, warmup: 1, verify_queries: 0,
      concurrency: [1, 3], sweep_requests: 10, sweep_shard_level_s: 2,
      rate: RATES, rate_duration_s: DURATION_S, rate_grace_s: 0.5, rate_sessions: 2, rate_arrival: 'poisson', rate_queries: ['simple_select_id', 'simple_count'], rate_late_ms: 1,
    });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup]);
    // Process start (tsx) takes seconds on a loaded machine: the instants leave room for it.
    const startAt = Date.now() + 15_000;
    const levelsAt = startAt + 6_000;
    // Sweep levels at levelsAt and +4 s (2 s reserved + 2 s gap), then the open loop's at +8 s and +12 s (1.5 + 0.5 + 2 s apart).
    const runs = await Promise.all(
      [1, 2].map(async (k) => {
        const store = join(p.dir, `shard-${k}.sqlite`);
        await copyFile(p.store, store);
        return { store, ...(await runShard(['--config', p.config, '--store', store, '--shard', `${k}/2`, '--start-at', String(startAt), '--levels-at', String(levelsAt)])) };
      }),
    );
    for (const r of runs) {
      stores.push(r.store);
      logs.push(r.log);
    }
  }, 120_000);

  it('runs each shard\'s share of every level from the shared instants and merges them into the single-host schedule', async () => {
    for (const [j, log] of logs.entries()) {
      expect(log).toMatch(/run \S+: .* requests/);
      expect(log, log).toMatch(new RegExp(`open loop postgres at 40/s \\(poisson, 1 session, shard ${j + 1}/2: the arrivals j mod 2 = ${j} of \\d+\\)`));
      expect(log).toMatch(new RegExp(`shard ${j + 1}/2: open-loop level postgres at 80/s: its instant \\S+, ready \\d+\\.\\d{3} ms (before|after) it`));
    }
    merged = join(p.dir, 'merged.sqlite');
    const { result, stderr } = await captureOutput(() => merge(['--config', p.config, '--stores', stores.join(' '), '--out', merged]));
    expect(result, stderr).toBe(0);
    expect(stderr).toMatch(/open-loop level postgres at 40\/s: 2 shard\(s\) from /);
    runId = /run (\S+): 2 shard\(s\) merged/.exec(stderr)![1]!;
    await expectStagesOk(['--config', p.config, '--store', merged, '--run', runId], [aggregate]);

    const union = (await Promise.all(stores.map((s) => rowsOf<OlSample>(s, 'SELECT * FROM open_loop_samples WHERE run_id = ?', [runId])))).flat();
    const mergedRows = await rowsOf<OlSample>(merged, 'SELECT * FROM open_loop_samples WHERE run_id = ?', [runId]);
    expect(mergedRows.length).toBe(union.length);
    const levels = await rowsOf<{ offered_rate: number; sessions: number; scheduled: number; wall_ns: number; span_ns: number }>(merged, 'SELECT * FROM open_loop_levels WHERE run_id = ? ORDER BY offered_rate', [runId]);
    expect(levels.map((l) => l.offered_rate)).toEqual(RATES);
    const aggs = await rowsOf<{ offered_rate: number; scheduled: number; completed: number; late: number; dropped: number; achieved_rate: number; p50_ms: number; p99_ms: number; service_p50_ms: number; service_p99_ms: number; sessions: number }>(
      merged, "SELECT * FROM open_loop_aggregates WHERE run_id = ? AND scope = 'all' ORDER BY offered_rate", [runId],
    );
    for (const [k, rate] of RATES.entries()) {
      // The union is exactly the single-host schedule: every position once, at its intended time.
      const schedule = arrivalSchedule({ seed: SEED, rate, arrival: 'poisson', durationNs: DURATION_S * 1e9 });
      const mine = union.filter((s) => s.offered_rate === rate).sort((a, b) => a.seq - b.seq);
      expect(mine.map((s) => [s.seq, s.intended_ns])).toEqual(Array.from(schedule, (t, j) => [j, t]));
      // Merged sessions are distinct per shard, 2 in all (rate_sessions), one per shard.
      expect(new Set(mergedRows.filter((s) => s.offered_rate === rate && s.session !== null).map((s) => s.session))).toEqual(new Set([0, 1]));
      expect([levels[k]!.sessions, levels[k]!.scheduled]).toEqual([2, schedule.length]);
      // The aggregates, recomputed by aggregate over the merged samples, equal those of the raw union.
      const ok = mine.filter((s) => s.ok === 1);
      const corrected = ok.map((s) => (s.end_ns! - s.intended_ns) / 1e6).sort((a, b) => a - b);
      const service = ok.map((s) => (s.end_ns! - s.start_ns!) / 1e6).sort((a, b) => a - b);
      const a = aggs[k]!;
      expect(a.scheduled).toBe(schedule.length);
      expect(a.dropped).toBe(mine.filter((s) => s.dropped === 1).length);
      expect(a.late).toBe(mine.filter((s) => s.late === 1).length);
      expect([a.p50_ms, a.p99_ms]).toEqual([quantileSorted(corrected, 0.5), quantileSorted(corrected, 0.99)]);
      expect([a.service_p50_ms, a.service_p99_ms]).toEqual([quantileSorted(service, 0.5), quantileSorted(service, 0.99)]);
      const wall = Math.max(...(await Promise.all(stores.map((s) => rowsOf<{ wall_ns: number }>(s, 'SELECT wall_ns FROM open_loop_levels WHERE run_id = ? AND offered_rate = ?', [runId, rate])))).flat().map((r) => r.wall_ns));
      expect(a.achieved_rate).toBeCloseTo(ok.length / (Math.max(wall, levels[k]!.span_ns) / 1e9), 9);
    }
    // Each shard's lateness for each level is recorded in the merged store.
    const late = await rowsOf<{ shard: number; phase: string; level: number; planned_at_ms: number }>(merged, 'SELECT shard, phase, level, planned_at_ms FROM shard_levels WHERE run_id = ? ORDER BY shard, planned_at_ms', [runId]);
    expect(late.map((r) => [r.shard, r.phase, r.level])).toEqual([1, 2].flatMap((k) => [[k, 'sweep', 1], [k, 'sweep', 3], [k, 'open_loop', 40], [k, 'open_loop', 80]]));
    const at = late.slice(0, 4).map((r) => r.planned_at_ms - late[0]!.planned_at_ms);
    expect(at).toEqual([0, 4000, 8000, 12000]);
    // The sweep: level C's clients 0..C−1 spread over the shards (client k on shard k mod 2 + 1),
    // each with its 10 requests; QPS from the union over the longest shard's wall time.
    const sweep = await rowsOf<{ concurrency: number; client: number; n: number }>(merged, 'SELECT concurrency, client, count(*) AS n FROM sweep_samples WHERE run_id = ? GROUP BY concurrency, client ORDER BY concurrency, client', [runId]);
    expect(sweep.map((r) => [r.concurrency, r.client, r.n])).toEqual([[1, 0, 10], [3, 0, 10], [3, 1, 10], [3, 2, 10]]);
    const shard2Sweep = await rowsOf<{ concurrency: number; client: number }>(stores[1]!, 'SELECT DISTINCT concurrency, client FROM sweep_samples WHERE run_id = ?', [runId]);
    expect(shard2Sweep.map((r) => [r.concurrency, r.client])).toEqual([[3, 1]]);
    for (const level of [1, 3]) {
      const walls = (await Promise.all(stores.map((s) => rowsOf<{ wall_ns: number }>(s, 'SELECT wall_ns FROM sweep_levels WHERE run_id = ? AND concurrency = ?', [runId, level])))).flat().map((r) => r.wall_ns);
      const [agg] = await rowsOf<{ count: number; qps_wall: number }>(merged, "SELECT count, qps_wall FROM sweep_aggregates WHERE run_id = ? AND concurrency = ? AND scope = 'all'", [runId, level]);
      const ok = await rowsOf<{ n: number }>(merged, 'SELECT count(*) AS n FROM sweep_samples WHERE run_id = ? AND concurrency = ? AND ok = 1', [runId, level]);
      expect(agg!.count).toBe(level * 10);
      expect(agg!.qps_wall).toBeCloseTo(ok[0]!.n / (Math.max(...walls) / 1e9), 9);
    }
    // And the merged store renders through the normal stages.
    await expectStagesOk(['--config', p.config, '--store', merged, '--run', runId], [render]);
    const table = await readFile(join(p.reports, runId, 'table.txt'), 'utf8');
    expect(table).toMatch(/open-loop level postgres at 80\/s: 2 shard\(s\) from /);
  });

  it('merges 12 stores in one merge (beyond SQLite\'s 10 attached databases)', async () => {
    const twelve: string[] = [];
    for (let k = 1; k <= 12; k++) {
      const f = join(p.dir, `twelve-${k}.sqlite`);
      await copyFile(stores[0]!, f);
      const db = await openStore(f);
      // Shard k of 12: the main loop's samples of shard 1 stand in for each (the merge does not look at them).
      await db.run('UPDATE run_shards SET shard = ?, shards = 12', [k]);
      for (const t of ['open_loop_samples', 'open_loop_levels', 'sweep_samples', 'sweep_levels', 'shard_levels']) await db.run(`DELETE FROM ${t}`);
      await db.close();
      twelve.push(f);
    }
    const out = join(p.dir, 'merged-12.sqlite');
    const { result, stderr } = await captureOutput(() => merge(['--config', p.config, '--stores', twelve.join(' '), '--out', out]));
    expect(result, stderr).toBe(0);
    const shards = await rowsOf<{ shard: number }>(out, 'SELECT shard FROM run_shards ORDER BY shard');
    expect(shards.map((s) => s.shard)).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    const [one] = await rowsOf<{ n: number }>(stores[0]!, "SELECT count(*) AS n FROM samples WHERE phase = 'measure'");
    const [all] = await rowsOf<{ n: number }>(out, "SELECT count(*) AS n FROM samples WHERE phase = 'measure'");
    expect(all!.n).toBe(12 * one!.n);
  });

  it('leaves no output file behind when refused, and a pre-existing --out untouched', async () => {
    const before = new Set(await readdir(p.dir));
    const out = join(p.dir, 'refused.sqlite');
    const missing = await captureOutput(() => merge(['--config', p.config, '--stores', stores[0]!, '--out', out]));
    expect(missing.result, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/shard 2 of 2 missing/);
    expect(existsSync(out)).toBe(false);
    expect(new Set(await readdir(p.dir))).toEqual(before);
    // A pre-existing --out (here the merged store of the first test, which already holds the run).
    const hash = await sha(merged);
    const again = await captureOutput(() => merge(['--config', p.config, '--stores', stores.join(' '), '--out', merged]));
    expect(again.result, again.stderr).toBe(2);
    expect(again.stderr).toMatch(/already holds run/);
    expect(await sha(merged)).toBe(hash);
    expect(new Set(await readdir(p.dir))).toEqual(before);
  });

  it('refuses shards that ran different sharded levels (one without --levels-at)', async () => {
    const other = join(p.dir, 'shard-2-no-levels.sqlite');
    await copyFile(stores[1]!, other);
    const db = await openStore(other);
    for (const t of ['open_loop_samples', 'open_loop_levels', 'sweep_samples', 'sweep_levels', 'shard_levels']) await db.run(`DELETE FROM ${t}`);
    await db.close();
    const { result, stderr } = await captureOutput(() => merge(['--config', p.config, '--stores', `${stores[0]} ${other}`, '--out', join(p.dir, 'm-levels.sqlite')]));
    expect(result, stderr).toBe(2);
    expect(stderr).toMatch(new RegExp(`store "${other}" \\(shard 2/2\\): its sharded levels differ .*not run here: sweep level postgres × 1 client\\(s\\) from \\d+`));
  });
});
