import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, resolveConfig } from '../../lib/config/load.js';
import { typeOf } from '../../lib/config/target-instances.js';
import { COMPOSE_SERVICES, interpolate, readComposeFile } from '../../lib/doctor/compose-file.js';
import { machineProbes } from '../../lib/doctor/probes.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';

/**
 * docker-compose.yml without a Docker engine: Debian's docker-compose (1.29, `apt-get install
 * docker-compose`, installed by .ci/run) validates it against its compose schema and resolves
 * the PB_* variables; and every service the code and the profiles rely on exists in it.
 * Under CI=true a missing docker-compose fails (.ci/run installs it); elsewhere that test skips.
 */
const COMPOSE = resolve(PROJECT_ROOT, 'docker-compose.yml');
const REQUIRE = process.env.CI === 'true';
const probes = machineProbes();
const compose = (args: string[], env: NodeJS.ProcessEnv = {}) => probes.run('docker-compose', ['-f', COMPOSE, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env } });

describe('docker-compose.yml is valid (docker-compose config, no engine needed)', () => {
  it('validates, and PB_IRIS_IMAGE / PB_PGWIRE_VERSION override the IRIS image and the gateway release', async (t) => {
    const version = await compose(['version', '--short']);
    if (version.missing) {
      if (REQUIRE) throw new Error('docker-compose is not installed; .ci/run installs it (apt-get install docker-compose)');
      t.skip();
    }
    const check = await compose(['config', '-q']);
    expect(check.code, check.stderr).toBe(0);
    expect((await compose(['config', '--services'])).stdout.trim().split('\n').sort()).toEqual(['bench', 'iris', 'iris-pgwire', 'postgres']);

    const defaults = parse((await compose(['config'], { PB_IRIS_IMAGE: '', PB_PGWIRE_VERSION: '' })).stdout);
    expect(defaults.services.iris.image).toBe('containers.intersystems.com/intersystems/iris-community:2025.1');
    expect(defaults.services['iris-pgwire'].environment.PB_PGWIRE_VERSION).toBe('1.5.7');
    const over = parse((await compose(['config'], { PB_IRIS_IMAGE: 'intersystemsdc/iris-community:latest', PB_PGWIRE_VERSION: '1.7.3' })).stdout);
    expect(over.services.iris.image).toBe('intersystemsdc/iris-community:latest');
    expect(over.services['iris-pgwire'].environment.PB_PGWIRE_VERSION).toBe('1.7.3');
  });
});

describe('every service the code and the profiles rely on exists', () => {
  const services = readComposeFile(COMPOSE, {});

  it('the gateway gets the variables its source reads (PGWIRE_BACKEND_TYPE, not BACKEND_TYPE)', () => {
    const env = (parse(readFileSync(COMPOSE, 'utf8')) as { services: Record<string, { environment: Record<string, string> }> }).services['iris-pgwire']!.environment;
    expect(env.PGWIRE_BACKEND_TYPE).toBe('dbapi');
    expect(env).not.toHaveProperty('BACKEND_TYPE');
    expect(env.IRIS_HOST).toBe('iris');
    expect(env.IRIS_HOSTNAME).toBe('iris');
  });

  it('the services provision starts (named in lib/targets) are in the compose file', () => {
    const dir = resolve(PROJECT_ROOT, 'lib/targets');
    const sources = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(resolve(dir, f), 'utf8')).join('\n');
    const named = new Set<string>();
    for (const m of sources.matchAll(/docker compose up -d --wait (\w[\w-]*)/g)) named.add(m[1]!);
    for (const m of sources.matchAll(/composeUp\([^)]*?'([\w-]+)'/g)) named.add(m[1]!);
    expect([...named].sort()).toEqual(['iris', 'iris-pgwire', 'postgres']);
    for (const s of named) expect(services.has(s), s).toBe(true);
    for (const list of Object.values(COMPOSE_SERVICES)) for (const s of list) expect(services.has(s), s).toBe(true);
  });

  const profiles = readdirSync(resolve(PROJECT_ROOT, 'config')).filter((f) => f.endsWith('.yaml'));
  it.each(profiles)('config/%s: each provision: docker target has its compose services', async (file) => {
    // Targets and their options only: resolveConfig does not open a file dataset's file
    // (config/own-data.yaml names data/demo.hdf5, made by `make demo-hdf5`).
    const c = resolveConfig(parse(readFileSync(resolve(PROJECT_ROOT, 'config', file), 'utf8')), {}, file);
    for (const t of c.targets) {
      if (c.target_options[t]?.provision !== 'docker') continue;
      const type = typeOf(c, t);
      expect(COMPOSE_SERVICES[type], `${file}: ${t} has no compose service mapping`).toBeDefined();
      for (const s of COMPOSE_SERVICES[type]!) expect(services.has(s), `${file}: ${t} needs service ${s}`).toBe(true);
    }
  });

  it('the compose-network overlay points each target at its service, on the port the service listens on inside', async () => {
    const overlay = parse(readFileSync(resolve(PROJECT_ROOT, 'config/overlays/compose-network.yaml'), 'utf8')) as { target_options: Record<string, { host: string; port: number; provision: string }> };
    const containerPort: Record<string, number> = { postgres: 5432, 'iris-pgwire': 5432, iris: 1972 };
    for (const [t, o] of Object.entries(overlay.target_options)) {
      expect(o.provision, t).toBe('existing');
      expect(services.has(o.host), `${t}: host ${o.host} is a compose service`).toBe(true);
      expect(o.port, t).toBe(containerPort[o.host]);
    }
    const bench = services.get('bench')!;
    expect(bench.dependsOn.sort()).toEqual(['iris-pgwire', 'postgres']);
    const three = await loadConfig(resolve(PROJECT_ROOT, 'config/three-way.yaml'), {}, resolve(PROJECT_ROOT, 'config/overlays/compose-network.yaml'));
    expect(three.target_options['iris-native']).toMatchObject({ provision: 'existing', host: 'iris', port: 1972 });
    expect(three.target_options['iris-pgwire']).toMatchObject({ provision: 'existing', host: 'iris-pgwire', port: 5432, iris_host: 'iris', dialect: 'iris' });
    expect(three.target_options.postgres).toMatchObject({ provision: 'existing', host: 'postgres', port: 5432, maintenance_work_mem: '1GB' });
  });

  it('interpolates as compose does', () => {
    expect(interpolate('${A:-x}/${B-y}/${C}/$$D', { A: '', B: '' })).toBe('x///$D');
    expect(interpolate('${A:-x}', { A: 'a' })).toBe('a');
  });
});
