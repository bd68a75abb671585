import { spawnSync } from 'node:child_process';
import { chmod, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { openStore } from '../../lib/store/open.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { captureOutput } from '../helpers/capture.js';
import { skipLiveTests } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';
import { freePort } from '../helpers/free-port.js';

/**
 * Issue 16, item 3: one throwaway server of scripts/postgres-local.sh (its own port and data
 * directory), reached three ways — TCP in plain text, TLS (`ssl: require`: provision turns TLS on
 * with a self-signed certificate, by reload, after the plain instance started the server), and
 * its Unix socket (`host: <data_dir>.sock`). Needs root and the Debian PostgreSQL packages, like
 * the script (CI has both); elsewhere skipped.
 */
const problem = process.getuid?.() !== 0 ? 'not root' : spawnSync('test', ['-x', '/usr/lib/postgresql/15/bin/postgres']).status !== 0 ? 'PostgreSQL 15 not installed (scripts/postgres-local.sh start installs it)' : undefined;
const skip = skipLiveTests('TLS / Unix socket', problem);

describe.skipIf(skip)('TLS and Unix socket paths to one local server', () => {
  let p: TmpProfile;
  let port: number;
  let dataDir: string;
  const script = join(PROJECT_ROOT, 'scripts/postgres-local.sh');
  const run = async (stage: (argv: string[]) => Promise<number>, extra: string[] = []) => {
    const { result, stderr } = await captureOutput(() => stage(['--config', p.config, ...extra]));
    expect(result, stderr).toBe(0);
    return stderr;
  };

  beforeAll(async () => {
    port = await freePort();
    p = await tmpProfile({ iterations: 8 });
    await chmod(p.dir, 0o755); // the postgres user must traverse it
    dataDir = join(p.dir, 'pg');
    const server = { type: 'postgres', provision: 'local', port, data_dir: dataDir, database: 'benchmark', connect_timeout_s: 5 };
    const profile = parse(await readFile(p.config, 'utf8')) as Record<string, unknown>;
    profile.targets = [{ name: 'pg-tcp', ...server }, { name: 'pg-tls', ...server, ssl: 'require' }, { name: 'pg-socket', ...server, host: `${dataDir}.sock` }];
    profile.target_options = {};
    profile.gateway_pairs = [{ gateway: 'pg-tls', native: 'pg-tcp' }, { gateway: 'pg-tcp', native: 'pg-socket' }];
    await writeFile(p.config, stringify(profile));
    const prov = await run(provision);
    expect(prov).toMatch(/pg-tls: .*TLS on \(self-signed/);
    await run(validate);
    const seeded = await run(seed);
    expect(seeded).toMatch(/loaded through pg-tcp \(first in targets\); pg-tls, pg-socket read it back/);
    for (const stage of [warmup, measure, aggregate, render]) await run(stage);
  }, 300_000);

  afterAll(() => {
    if (!problem && dataDir) spawnSync(script, ['clean'], { env: { ...process.env, PB_PG_PORT: String(port), PB_PG_DATA: dataDir }, encoding: 'utf8' });
  });

  it('the environment records each transport as the server saw it; the report lists the paths and both pairs with a CI', async () => {
    const db = await openStore(p.store);
    const env = JSON.parse((await db.get<{ e: string }>("SELECT environment_json AS e FROM runs WHERE kind = 'measure'"))!.e) as { targets: Record<string, Record<string, string>> };
    const verdicts = await db.all<{ verdict: string }>('SELECT DISTINCT verdict FROM verification_summary');
    const started = await db.all<{ target: string; server_json: string }>('SELECT target, server_json FROM started_servers');
    await db.close();
    expect(env.targets['pg-tls']!.transport).toMatch(/^TLS \(TLSv1\.[23], [A-Z0-9_-]+; certificate not verified\) over TCP 127\.0\.0\.1:\d+$/);
    expect(env.targets['pg-tcp']!.transport).toBe(`TCP 127.0.0.1:${port}, not encrypted`);
    expect(env.targets['pg-socket']!.transport).toBe(`Unix socket ${dataDir}.sock/.s.PGSQL.${port}`);
    // Same rows through every path (the verification pass compares them across targets).
    expect(verdicts).toEqual([{ verdict: 'ok' }]);
    // One server, started once, by the first instance: an interrupt stops it.
    expect(started.map((r) => [r.target, JSON.parse(r.server_json)])).toEqual([['pg-tcp', { kind: 'local-postgres', port, data_dir: dataDir }]]);
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toContain('paths:\n  pg-tcp: TCP 127.0.0.1:');
    expect(table).toMatch(/\n {2}pg-tls: TLS \(TLSv1/);
    expect(table).toMatch(/pg-tls vs pg-tcp, all queries +-?\d+\.\d+ ms \[-?\d+\.\d+, -?\d+\.\d+\]/);
    expect(table).toMatch(/pg-tcp vs pg-socket, all queries +-?\d+\.\d+ ms \[-?\d+\.\d+, -?\d+\.\d+\]/);
  });
});
