import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { doctor } from '../../lib/doctor/doctor.js';
import { machineProbes, type Probes } from '../../lib/doctor/probes.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { IrisSdkMissingError, type LoadedSdk } from '../../lib/targets/iris-native/sdk.js';
import { registerTarget } from '../../lib/targets/registry.js';
import { pgliteOptionsSchema } from '../../lib/targets/pglite/options.js';
import { captureOutput } from '../helpers/capture.js';
import { REQUIRE_POSTGRES } from '../helpers/postgres.js';
import { freePort } from '../helpers/free-port.js';

/**
 * `make doctor`: every line that can FAIL, each provoked here — live where this machine has the
 * condition (a docker client without an engine, no Native SDK), otherwise with a fake `docker` on
 * PATH, a port held open, a fake scripts/postgres-local.sh, or an injected SDK double.
 */
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

/** A TCP port something answers on (closed after the file). */
async function heldPort(): Promise<number> {
  const s = createServer((c) => c.end());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as { port: number }).port;
}

/** A port nothing answers on (taken and released). */

/**
 * A `docker` stand-in: FAKE_ENGINE=1 answers `info`, FAKE_COMPOSE=1 answers `compose version`,
 * FAKE_PULLABLE=1 answers `manifest inspect`; `image inspect` never finds an image locally.
 */
async function fakeDockerBin(): Promise<string> {
  const bin = await mkdtemp(join(tmpdir(), 'pathbench-fakebin-'));
  await writeFile(
    join(bin, 'docker'),
    `#!/bin/sh
case "$1" in
  --version) echo "Docker version 99.0.0, build fake" ;;
  info) [ "$FAKE_ENGINE" = 1 ] && { echo 99.0.0; exit 0; }; echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1 ;;
  compose)
    case "$2" in
      version) [ "$FAKE_COMPOSE" = 1 ] && { echo "Docker Compose version v2.99.0"; exit 0; }; echo "docker: unknown command: docker compose" >&2; exit 1 ;;
      ps) exit 0 ;;
    esac ;;
  image) echo "Error: No such image: $4" >&2; exit 1 ;;
  manifest) [ "$FAKE_PULLABLE" = 1 ] && { echo '{}'; exit 0; }; echo "no such manifest: $3" >&2; exit 1 ;;
esac
exit 0
`,
  );
  await chmod(join(bin, 'docker'), 0o755);
  return bin;
}

interface Run {
  code: number;
  out: string;
  lines: string[];
}

async function runDoctor(profile: Record<string, unknown>, probes: Partial<Probes> = {}, env: NodeJS.ProcessEnv = {}, root = PROJECT_ROOT): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-doctor-'));
  const file = join(dir, 'profile.yaml');
  await writeFile(file, stringify({ profile: 'doctor-test', scale: 'small', dataset_size: 1000, store: join(dir, 'bench.sqlite'), ...profile }));
  const base = machineProbes({ ...process.env, ...env });
  const { result, stdout, stderr } = await captureOutput(() => doctor(['--config', file], { ...base, ...probes }, root));
  return { code: result, out: stdout + stderr, lines: stdout.split('\n') };
}

const line = (r: Run, re: RegExp) => r.lines.find((l) => re.test(l));

describe('make doctor on this machine (live)', () => {
  it('config/three-way.yaml: names the missing Docker engine and Native SDK with their fixes, exit 3', async () => {
    const { result, stdout } = await captureOutput(() => doctor(['--config', 'config/three-way.yaml']));
    expect(result).toBe(3);
    const docker = await machineProbes().run('docker', ['info', '--format', '{{.ServerVersion}}']);
    if (!docker.missing && docker.code !== 0) {
      expect(stdout).toMatch(/^FAIL  docker engine: not reachable .*— fix: sudo systemctl start docker/m);
      expect(stdout).toMatch(/^skip  image containers\.intersystems\.com\/intersystems\/iris-community:2025\.1 \(service iris\): cannot be checked: no Docker engine/m);
    }
    expect(stdout).toMatch(/^FAIL  iris-native: Native SDK: the InterSystems IRIS Native SDK for Node\.js is not installed .*— fix: /m);
    expect(stdout).toMatch(/^skip  iris-native: PathBench\.SQL in USER: not checked: the Native SDK does not load$/m);
    expect(stdout).toMatch(/^doctor: \d+ check\(s\) FAIL — the run cannot start/m);
  });

  it('config/embedded.yaml: every prerequisite met, exit 0', async () => {
    const { result, stdout } = await captureOutput(() => doctor(['--config', 'config/embedded.yaml']));
    expect(result, stdout).toBe(0);
    expect(stdout).toMatch(/^skip  docker: not needed: no target has provision: docker$/m);
    expect(stdout).toMatch(/the run can start$/m);
  });

  it('config/local.yaml: exit 0 while the local PostgreSQL of its data_dir runs (CI starts it with scripts/postgres-local.sh)', async (t) => {
    const status = await machineProbes().run(resolve(PROJECT_ROOT, 'scripts/postgres-local.sh'), ['status'], { timeoutMs: 30_000 });
    if (status.code !== 0) {
      if (REQUIRE_POSTGRES) throw new Error(`scripts/postgres-local.sh status: ${status.stdout}${status.stderr}; CI must have started it (.ci/run)`);
      t.skip(); // another cluster (or none) holds 127.0.0.1:5433 here: doctor rightly says FAIL
    }
    const { result, stdout } = await captureOutput(() => doctor(['--config', 'config/local.yaml']));
    expect(result, stdout).toBe(0);
    expect(stdout).toMatch(/^ok    postgres: 127\.0\.0\.1:5433: answering: the scripts\/postgres-local\.sh cluster of /m);
  });

  it('a bad profile is exit 2 with the config error, as every stage', async () => {
    const r = await runDoctor({ targets: ['pglite'], iterations: 'many' });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/iterations: .*\(got "many"\)/);
  });
});

describe('make doctor: Docker lines (a fake docker on PATH)', () => {
  const profile = (port: number) => ({ targets: ['postgres'], target_options: { postgres: { provision: 'docker', port } } });

  it('no docker client on PATH', async () => {
    const r = await runDoctor(profile(await freePort()), {}, { PATH: '/nonexistent' });
    expect(r.code).toBe(3);
    expect(line(r, /docker client/)).toMatch(/^FAIL  docker client: not found on PATH for postgres \(provision: docker\) — fix: install Docker Engine/);
  });

  it('engine down and compose plugin missing; images then cannot be checked', async () => {
    const bin = await fakeDockerBin();
    const r = await runDoctor(profile(await freePort()), {}, { PATH: `${bin}:/usr/bin:/bin` });
    expect(r.code).toBe(3);
    expect(line(r, /docker engine/)).toMatch(/^FAIL  docker engine: not reachable .*Cannot connect to the Docker daemon.* — fix: sudo systemctl start docker/);
    expect(line(r, /docker compose:/)).toMatch(/^FAIL  docker compose: the Compose plugin is missing .* — fix: install the Compose plugin: sudo apt-get install docker-compose-plugin/);
    expect(line(r, /image pgvector/)).toMatch(/^skip  image pgvector\/pgvector:pg16 \(service postgres\): cannot be checked: no Docker engine/);
  });

  it('an image that cannot be pulled; PB_IRIS_IMAGE is what the iris service runs', async () => {
    const bin = await fakeDockerBin();
    const r = await runDoctor(
      { targets: ['iris-native'], target_options: { 'iris-native': { provision: 'docker', port: await freePort() } } },
      {},
      { PATH: `${bin}:/usr/bin:/bin`, FAKE_ENGINE: '1', FAKE_COMPOSE: '1', PB_IRIS_IMAGE: 'example.invalid/iris:none' },
    );
    expect(line(r, /docker engine/)).toMatch(/^ok    docker engine: server 99\.0\.0/);
    expect(line(r, /docker compose:/)).toMatch(/^ok    docker compose: Docker Compose version v2\.99\.0/);
    expect(line(r, /image example/)).toMatch(/^FAIL  image example\.invalid\/iris:none \(service iris\): cannot be pulled \(no such manifest.*\) — fix: set PB_IRIS_IMAGE to an existing tag/);
  });

  it('a pullable image is ok', async () => {
    const bin = await fakeDockerBin();
    const r = await runDoctor(profile(await freePort()), {}, { PATH: `${bin}:/usr/bin:/bin`, FAKE_ENGINE: '1', FAKE_COMPOSE: '1', FAKE_PULLABLE: '1' });
    expect(line(r, /image pgvector/)).toMatch(/^ok    image pgvector\/pgvector:pg16 \(service postgres\): pullable/);
  });

  it('a compose file without the service a target needs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-root-'));
    const compose = (await readFile(resolve(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')).replace(/^ {2}postgres:$/m, '  postgres-renamed:');
    await writeFile(join(root, 'docker-compose.yml'), compose);
    const r = await runDoctor(profile(await freePort()), {}, {}, root);
    expect(line(r, /docker-compose\.yml/)).toMatch(/^FAIL  docker-compose\.yml: no service postgres \(needed by postgres\) — fix: git checkout -- docker-compose\.yml/);
  });

  it('a port taken by something other than the compose service', async () => {
    const r = await runDoctor(profile(await heldPort()));
    expect(line(r, /postgres: 127/)).toMatch(/^FAIL  postgres: 127\.0\.0\.1:\d+: in use by something other than compose service postgres.* — fix: stop what listens there/);
  });
});

describe('make doctor: ports and passwords', () => {
  it('provision: existing with nothing answering', async () => {
    const r = await runDoctor({ targets: ['iris-pgwire'], target_options: { 'iris-pgwire': { provision: 'existing', port: await freePort() } } }, {}, { PB_IRIS_PASSWORD: 'x' });
    expect(r.code).toBe(3);
    expect(line(r, /iris-pgwire: 127/)).toMatch(/^FAIL  iris-pgwire: 127\.0\.0\.1:\d+: nothing answers there \(provision: existing\) — fix: start the gateway/);
  });

  it('provision: existing answering', async () => {
    const r = await runDoctor({ targets: ['iris-pgwire'], target_options: { 'iris-pgwire': { provision: 'existing', port: await heldPort() } } }, {}, { PB_IRIS_PASSWORD: 'x' });
    expect(line(r, /iris-pgwire: 127/)).toMatch(/^ok    iris-pgwire: 127\.0\.0\.1:\d+: answering/);
    expect(line(r, /password/)).toMatch(/^ok    iris-pgwire: password: PB_IRIS_PASSWORD is set$/);
    expect(r.code).toBe(0);
  });

  it('provision: local on a port held by another server, and a free port without root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-root-'));
    await mkdir(join(root, 'scripts'));
    await writeFile(join(root, 'scripts/postgres-local.sh'), '#!/bin/sh\necho "postgres-local: not running"; exit 1\n');
    await chmod(join(root, 'scripts/postgres-local.sh'), 0o755);
    const held = await runDoctor({ targets: ['postgres'], target_options: { postgres: { provision: 'local', port: await heldPort() } } }, {}, {}, root);
    expect(line(held, /postgres: 127/)).toMatch(/^FAIL  postgres: 127\.0\.0\.1:\d+: in use by a server other than the scripts\/postgres-local\.sh cluster of .*— fix: stop what listens there/);
    const notRoot = await runDoctor({ targets: ['postgres'], target_options: { postgres: { provision: 'local', port: await freePort() } } }, { isRoot: false }, {}, root);
    expect(line(notRoot, /postgres: 127/)).toMatch(/^FAIL  postgres: 127\.0\.0\.1:\d+: free, but provision: local runs scripts\/postgres-local\.sh, which must run as root — fix: sudo make provision/);
  });

  it('a port a target starts its own server on (pglite-wire) that is taken', async () => {
    const r = await runDoctor({ targets: ['pglite-wire'], target_options: { 'pglite-wire': { data_dir: 'data/doctor-test', port: await heldPort() } } });
    expect(line(r, /pglite-wire: 127/)).toMatch(/^FAIL  pglite-wire: 127\.0\.0\.1:\d+: in use: the run cannot start its server there — fix: .*port to another port/);
  });

  it('a password variable unset on provision: existing (no throwaway default)', async () => {
    const r = await runDoctor(
      { targets: ['postgres'], target_options: { postgres: { provision: 'existing', port: await heldPort() } } },
      { exists: () => false },
      { PB_PG_PASSWORD: '', PGPASSWORD: '' },
    );
    expect(r.code).toBe(3);
    expect(line(r, /postgres: password/)).toBe('FAIL  postgres: password: PB_PG_PASSWORD is unset and provision: existing has no throwaway default — fix: export PB_PG_PASSWORD=<the password of user postgres>');
  });

  it('the throwaway defaults count as set with provision: docker', async () => {
    const r = await runDoctor({ targets: ['iris-native'], target_options: { 'iris-native': { provision: 'docker', port: await freePort() } } }, {}, { PB_IRIS_PASSWORD: '' });
    expect(line(r, /iris-native: password/)).toBe("ok    iris-native: password: PB_IRIS_PASSWORD unset: the throwaway compose server's default is used");
  });

  it('a driver that is not installed', async () => {
    registerTarget('doctor-missing-driver', {
      optionsSchema: pgliteOptionsSchema,
      load: async () => {
        throw Object.assign(new Error("Cannot find package 'no-such-driver'"), { code: 'ERR_MODULE_NOT_FOUND' });
      },
    });
    const r = await runDoctor({ targets: ['doctor-missing-driver'] });
    expect(line(r, /: driver:/)).toMatch(/^FAIL  doctor-missing-driver: driver: target "doctor-missing-driver" unavailable: its driver is not installed .* — fix: npm ci$/);
  });

  it('a Node.js older than 20', async () => {
    const r = await runDoctor({ targets: ['pglite'] }, { nodeVersion: '18.19.0' });
    expect(line(r, /^.{6}node/)).toBe('FAIL  node: v18.19.0 is older than 20 (package.json engines) — fix: install Node.js 20 or later');
  });
});

describe('make doctor: Native SDK and PathBench.SQL (SDK doubles)', () => {
  const native = async (port: number) => ({ targets: ['iris-native'], target_options: { 'iris-native': { provision: 'existing', port } } });
  const env = { PB_IRIS_PASSWORD: 'secret' };

  it('an SDK built for another platform: the fix is the bench container off Linux, make iris-sdk on Linux', async () => {
    const wrong = () => {
      throw new IrisSdkMissingError(['vendor/iris-nodejs/intersystems-iris: cannot load (/x/irisnative.node: invalid ELF header)']);
    };
    const mac = await runDoctor(await native(await freePort()), { loadSdk: wrong, platform: 'darwin' }, env);
    expect(line(mac, /Native SDK/)).toMatch(/^FAIL  iris-native: Native SDK: present but built for another platform than darwin.*invalid ELF header.* — fix: docker compose run --rm bench make all CONFIG=/);
    const linux = await runDoctor(await native(await freePort()), { loadSdk: wrong, platform: 'linux' }, env);
    expect(line(linux, /Native SDK/)).toMatch(/— fix: docker compose up -d --wait iris && make iris-sdk$/);
  });

  /** An SDK double: createConnection succeeds (or throws `loginError`), PathBench.SQL reports `version`. */
  const sdkDouble = (version: number | undefined, loginError?: string): (() => LoadedSdk) => () => ({
    label: 'double 1.0',
    sdk: {
      createConnection: () => {
        if (loginError) throw new Error(loginError);
        return {
          createIris: () => ({
            classMethodValue: (cls: string, m: string) => {
              if (cls === 'PathBench.SQL' && m === 'Version' && version !== undefined) return version;
              throw new Error('<CLASS DOES NOT EXIST>');
            },
          }),
          close: () => {},
        };
      },
    },
  });
  const expected = async () => Number(/^Parameter VERSION = (\d+);/m.exec(await readFile(resolve(PROJECT_ROOT, 'iris/PathBench.SQL.cls'), 'utf8'))![1]);

  it('IRIS not reachable: PathBench.SQL not checked', async () => {
    const r = await runDoctor(await native(await freePort()), { loadSdk: sdkDouble(1) }, env);
    expect(line(r, /Native SDK/)).toMatch(/^ok    iris-native: Native SDK: double 1\.0 loads on /);
    expect(line(r, /PathBench/)).toMatch(/^skip  iris-native: PathBench\.SQL in USER: not checked: IRIS not reachable at 127\.0\.0\.1:\d+$/);
  });

  it('IRIS answers: compiled at the expected version, or not loaded yet (provision loads it), or the login fails', async () => {
    const port = await heldPort();
    const v = await expected();
    const compiled = await runDoctor(await native(port), { loadSdk: sdkDouble(v) }, env);
    expect(line(compiled, /PathBench/)).toBe(`ok    iris-native: PathBench.SQL in USER: v${v} compiled`);
    expect(compiled.code).toBe(0);
    const missing = await runDoctor(await native(port), { loadSdk: sdkDouble(undefined) }, env);
    expect(line(missing, /PathBench/)).toMatch(/^ok    iris-native: PathBench\.SQL in USER: not loaded yet: make provision .* — fix: make provision CONFIG=/);
    const denied = await runDoctor(await native(port), { loadSdk: sdkDouble(v, 'Access Denied') }, env);
    expect(line(denied, /PathBench/)).toMatch(/^FAIL  iris-native: PathBench\.SQL in USER: cannot log in to IRIS at 127\.0\.0\.1:\d+\/USER as _SYSTEM: Access Denied — fix: check PB_IRIS_PASSWORD/);
    expect(denied.out).not.toContain('secret');
  });
});
