import { spawn, spawnSync } from 'node:child_process';
import { chmod, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { pgbouncerVersion } from '../../lib/targets/postgres/pgbouncer.js';
import { openStore } from '../../lib/store/open.js';
import { stopStartedServers } from '../../lib/pipeline/started-servers.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { captureOutput } from '../helpers/capture.js';
import { pgTestDataDir, pgTestTargetOptions, preparePgTestDatabase, rootAndSocketProblem, skipLiveTests } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';
import { freePort } from '../helpers/free-port.js';

/**
 * Issue 16, item 2: PgBouncer (Debian's package, scripts/pgbouncer-local.sh) as a real gateway in
 * front of the test server, measured against the direct path on the same database. Needs root
 * (the script installs the package and runs PgBouncer as the postgres OS user) and the test
 * server's cluster on this host (its Unix socket): in CI both hold; elsewhere it is skipped.
 */
const pgProblem = await preparePgTestDatabase();
const skip = skipLiveTests('PgBouncer', pgProblem ?? rootAndSocketProblem());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip)('PgBouncer in front of the test server', () => {
  let p: TmpProfile;
  let port: number;
  let bouncerDir: string;
  const script = join(PROJECT_ROOT, 'scripts/pgbouncer-local.sh');
  const bouncerEnv = () => ({ ...process.env, PB_BOUNCER_PORT: String(port), PB_BOUNCER_DIR: bouncerDir });
  const bouncerPid = async () => Number((await readFile(join(bouncerDir, `pgbouncer-${port}.pid`), 'utf8')).trim());
  const run = async (stage: (argv: string[]) => Promise<number>, extra: string[] = []) => {
    const { result, stderr, stdout } = await captureOutput(() => stage(['--config', p.config, ...extra]));
    return { code: result, stderr, stdout };
  };
  const setBouncer = async (extra: Record<string, unknown>) => {
    const profile = parse(await readFile(p.config, 'utf8')) as Record<string, unknown>;
    (profile.targets as Record<string, unknown>[])[1] = {
      name: 'pg-bouncer', type: 'postgres', ...pgTestTargetOptions(), provision: 'local', via: 'pgbouncer', port,
      data_dir: pgTestDataDir(), pgbouncer: { dir: bouncerDir, server_port: Number(process.env.PB_PG_PORT ?? 5433), pool_size: 4 }, ...extra,
    };
    await writeFile(p.config, stringify(profile));
  };

  beforeAll(async () => {
    port = await freePort();
    p = await tmpProfile({ iterations: 8, gateway_pairs: [{ gateway: 'pg-bouncer', native: 'postgres' }], targets: ['postgres', 'placeholder'], target_options: { postgres: pgTestTargetOptions() } });
    bouncerDir = join(p.dir, 'pgbouncer');
    await chmod(p.dir, 0o755); // PgBouncer runs as the postgres user, which must traverse it
    await setBouncer({});
    for (const stage of [provision, validate]) {
      const r = await run(stage);
      expect(r.code, r.stderr).toBe(0);
    }
    const s = await run(seed, ['--force']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/loaded through postgres \(first in targets\); pg-bouncer reads it back/);
    for (const stage of [warmup, measure, aggregate, render]) {
      const r = await run(stage);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 300_000);

  afterAll(() => {
    if (!skip && port) spawnSync(script, ['stop'], { env: bouncerEnv(), encoding: 'utf8' });
  });

  it('provision started PgBouncer (Debian package) and recorded it, so an interrupt stops it; the server it found running is not recorded', async () => {
    expect(spawnSync(script, ['status'], { env: bouncerEnv() }).status).toBe(0);
    const db = await openStore(p.store);
    const rows = await db.all<{ target: string; server_json: string }>('SELECT target, server_json FROM started_servers');
    await db.close();
    expect(rows.map((r) => [r.target, JSON.parse(r.server_json)])).toEqual([['pg-bouncer', { kind: 'local-pgbouncer', port, dir: bouncerDir }]]);
  });

  it('every instance returns the same rows (verification pass) and the report has the bouncer-vs-direct overhead with a CI', async () => {
    const db = await openStore(p.store);
    const verdicts = await db.all<{ target: string; verdict: string }>('SELECT DISTINCT target, verdict FROM verification_summary ORDER BY target');
    const env = JSON.parse((await db.get<{ e: string }>("SELECT environment_json AS e FROM runs WHERE kind = 'measure'"))!.e) as { targets: Record<string, Record<string, string>> };
    await db.close();
    expect(verdicts).toEqual([{ target: 'pg-bouncer', verdict: 'ok' }, { target: 'postgres', verdict: 'ok' }]);
    expect(env.targets['pg-bouncer']!.gateway).toBe(`PgBouncer ${pgbouncerVersion()}, pool_mode transaction, pool_size 4`);
    expect(env.targets['pg-bouncer']!.description).toContain(`via PgBouncer (pool_mode transaction) in front of port`);
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/pg-bouncer vs postgres, all queries +-?\d+\.\d+ ms \[-?\d+\.\d+, -?\d+\.\d+\]/);
  });

  it('query_mode prepared under transaction pooling on PgBouncer < 1.21 is "not supported on this path" (exit 3), never silently changed', async () => {
    const v = pgbouncerVersion()!;
    const [a = 0, b = 0] = v.split('.').map(Number);
    if (a > 1 || (a === 1 && b >= 21)) return; // a newer bouncer runs it: nothing to refuse
    await setBouncer({ query_mode: 'prepared' });
    const r = await run(validate);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/pg-bouncer: query_mode prepared: not supported on this path — PgBouncer 1\.\d+(\.\d+)? with pool_mode transaction/);
    await setBouncer({});
  });

  it('killing PgBouncer mid-measure exits 3 naming the instance', async () => {
    const profile = parse(await readFile(p.config, 'utf8')) as Record<string, unknown>;
    await writeFile(p.config, stringify({ ...profile, iterations: 100_000, verify_queries: 0 }));
    const child = spawn('node', ['--import', 'tsx', 'stages/measure.ts', '--config', p.config], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/^measure: [\d,]+ iterations to go/m.test(stderr)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`measure exited early (${code}): ${stderr}`)));
    });
    await sleep(500);
    process.kill(await bouncerPid(), 'SIGKILL');
    expect(await exited, stderr).toBe(3);
    expect(stderr).toMatch(/pg-bouncer: lost during/);
    expect(stderr).not.toMatch(/^\s+- postgres:/m);
  }, 180_000);

  it('an interrupt stops the PgBouncer provision started (the stop path of started_servers)', async () => {
    const profile = parse(await readFile(p.config, 'utf8')) as Record<string, unknown>;
    await writeFile(p.config, stringify({ ...profile, iterations: 8 }));
    const r = await run(provision);
    expect(r.code, r.stderr).toBe(0);
    expect(spawnSync(script, ['status'], { env: bouncerEnv() }).status).toBe(0);
    const db = await openStore(p.store);
    const logged: string[] = [];
    try {
      await stopStartedServers(db, PROJECT_ROOT, (m) => logged.push(m));
      const open = await db.all('SELECT 1 FROM started_servers WHERE stopped_at IS NULL');
      expect(open).toEqual([]);
    } finally {
      await db.close();
    }
    expect(logged.join('\n')).toContain(`stopped local PgBouncer on 127.0.0.1:${port}`);
    expect(spawnSync(script, ['status'], { env: bouncerEnv() }).status).toBe(1);
  });
});
