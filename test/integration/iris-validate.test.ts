import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main as validate } from '../../stages/validate.js';
import { loadConfig } from '../../lib/config/load.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { openStore } from '../../lib/store/open.js';
import { captureOutput } from '../helpers/capture.js';

/**
 * config/three-way.yaml: it validates as a configuration, and with no IRIS reachable the validate
 * stage stops the run (exit 3) naming each unavailable target and what to do — the gateway's
 * closed port, the Native SDK that is not installed (or, with an SDK, IRIS's closed port). The
 * stage's main() runs in process against a temp store, like test/integration/abort.test.ts does
 * through make.
 */
const THREE_WAY = join(PROJECT_ROOT, 'config/three-way.yaml');

async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** three-way.yaml with a temp store and reports, and every server port pointed at a closed one. */
async function threeWayWithNothingListening(irisNative: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-three-way-'));
  const profile = parse(await readFile(THREE_WAY, 'utf8'));
  const ports = { gateway: await deadPort(), iris: await deadPort(), postgres: await deadPort() };
  profile.store = join(dir, 'bench.sqlite');
  profile.reports_dir = join(dir, 'reports');
  profile.target_options['iris-pgwire'].port = ports.gateway;
  profile.target_options['iris-pgwire'].connect_timeout_s = 3;
  profile.target_options.postgres.port = ports.postgres;
  profile.target_options.postgres.connect_timeout_s = 3;
  profile.target_options['iris-native'] = { ...profile.target_options['iris-native'], port: ports.iris, connect_timeout_s: 3, ...irisNative };
  const config = join(dir, 'three-way.yaml');
  await writeFile(config, stringify(profile));
  return { dir, config, store: profile.store as string, reports: profile.reports_dir as string, ports };
}

describe('config/three-way.yaml', () => {
  it('is a valid profile: iris-pgwire, postgres, iris-native at production scale, the IRIS gateway pair, docker provisioning', async () => {
    const c = await loadConfig(THREE_WAY);
    expect(c.targets).toEqual(['iris-pgwire', 'postgres', 'iris-native']);
    expect(c).toMatchObject({ scale: 'production', dataset_size: 100_000, vector_dims: 1024 });
    expect(c.gateway_pairs).toEqual([{ gateway: 'iris-pgwire', native: 'iris-native' }]);
    for (const t of c.targets) expect(c.target_options[t]!.provision, t).toBe('docker');
    expect(c.target_options['iris-pgwire']).toMatchObject({ dialect: 'iris', port: 5434, database: 'USER' });
    expect(c.target_options['iris-native']).toMatchObject({ port: 1972, namespace: 'USER' });
  });
});

describe('validate with no IRIS reachable', () => {
  it('exits 3, names each unavailable target and what to do: the gateway port, the missing SDK', async () => {
    const p = await threeWayWithNothingListening();
    const { result, stderr } = await captureOutput(() => validate(['--config', p.config]));
    expect(result, stderr).toBe(3);
    expect(stderr).toMatch(
      new RegExp(`FAIL iris-pgwire\\s+cannot connect to the iris-pgwire gateway at 127\\.0\\.0\\.1:${p.ports.gateway}/USER: .*ECONNREFUSED.*\`make provision\` starts it \\(docker compose up -d --wait iris-pgwire\\)`),
    );
    expect(stderr).toMatch(/FAIL iris-native\s+the InterSystems IRIS Native SDK for Node\.js is not installed \(.*vendor\/iris-nodejs\/intersystems-iris: not found.*\); run `make iris-sdk`/);
    expect(stderr).toMatch(new RegExp(`FAIL postgres\\s+cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${p.ports.postgres}/benchmark`));
    expect(stderr).toMatch(/validate: 3 target\(s\) unavailable, run aborted:\n\s+- iris-pgwire: [^\n]+\n\s+- postgres: [^\n]+\n\s+- iris-native: [^\n]*make iris-sdk/);

    const db = await openStore(p.store);
    try {
      expect(await db.all('SELECT stage, status, exit_code FROM stage_executions')).toEqual([{ stage: 'validate', status: 'failed', exit_code: 3 }]);
      const rows = await db.all<{ target: string; ok: number; database_key: string }>('SELECT target, ok, database_key FROM validations ORDER BY target');
      expect(rows).toEqual([
        { target: 'iris-native', ok: 0, database_key: `iris:127.0.0.1:${p.ports.iris}/USER` },
        { target: 'iris-pgwire', ok: 0, database_key: 'iris:127.0.0.1:1972/USER' },
        { target: 'postgres', ok: 0, database_key: `postgres:127.0.0.1:${p.ports.postgres}/benchmark` },
      ]);
      expect(await db.all('SELECT run_id FROM runs')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('with the SDK installed but IRIS not listening, iris-native names the address and how to start IRIS', async () => {
    const sdkDir = join(await mkdtemp(join(tmpdir(), 'pathbench-sdk-')), 'intersystems-iris');
    await mkdir(sdkDir, { recursive: true });
    await writeFile(join(sdkDir, 'package.json'), JSON.stringify({ name: 'intersystems-iris', version: '0.0.0-test', main: 'index.js' }));
    // A stand-in with the documented surface that, like the SDK, throws when it cannot connect.
    await writeFile(
      join(sdkDir, 'index.js'),
      "exports.createConnection = (info) => { throw new Error('<COMMUNICATION LINK ERROR> Failed to connect to server; Details: connect ECONNREFUSED ' + info.host + ':' + info.port); };\n",
    );
    const p = await threeWayWithNothingListening({ sdk_path: sdkDir });
    const { result, stderr } = await captureOutput(() => validate(['--config', p.config]));
    expect(result, stderr).toBe(3);
    expect(stderr).toMatch(
      new RegExp(`FAIL iris-native\\s+cannot connect to IRIS at 127\\.0\\.0\\.1:${p.ports.iris}/USER as _SYSTEM: <COMMUNICATION LINK ERROR> .*; \`make provision\` starts it \\(docker compose up -d --wait iris\\)`),
    );
    expect(stderr).toMatch(/FAIL iris-pgwire/);
  });
});
