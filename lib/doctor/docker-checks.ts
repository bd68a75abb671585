import { typeOf } from '../config/target-instances.js';
import { COMPOSE_SERVICES, readComposeFile, withDependencies, type ComposeService } from './compose-file.js';
import { fail, ok, skip, type Check } from './check.js';
import { dockerTargets, type DoctorContext } from './context.js';
import { firstLine } from './probes.js';

export interface DockerState {
  engine: boolean;
  compose: boolean;
  /** The compose services the run starts (with dependencies), when the file could be read. */
  services: Map<string, ComposeService>;
  needed: string[];
}

const INSTALL_DOCKER = 'install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop';
const START_ENGINE = 'sudo systemctl start docker (Linux), or start Docker Desktop; then check with: docker info';
const INSTALL_COMPOSE = 'install the Compose plugin: sudo apt-get install docker-compose-plugin (Docker\'s apt repository; https://docs.docker.com/compose/install/linux/), or use Docker Desktop';

/**
 * Docker, only when a target has `provision: docker`: the client, the engine, the Compose plugin
 * (`docker compose`, what provision runs), the services the run needs in docker-compose.yml, and
 * whether each image can be pulled. Image checks need an engine; without one they are skipped
 * with the reason.
 */
export async function dockerChecks(ctx: DoctorContext): Promise<{ checks: Check[]; state: DockerState }> {
  const targets = dockerTargets(ctx);
  const state: DockerState = { engine: false, compose: false, services: new Map(), needed: [] };
  if (targets.length === 0) return { checks: [skip('docker', 'not needed: no target has provision: docker')], state };
  const p = ctx.probes;
  const checks: Check[] = [];
  const why = `for ${targets.join(', ')} (provision: docker)`;

  const client = await p.run('docker', ['--version'], { timeoutMs: 10_000 });
  if (client.missing || client.code !== 0) {
    checks.push(fail('docker client', client.missing ? `not found on PATH ${why}` : firstLine(client), INSTALL_DOCKER));
  } else {
    checks.push(ok('docker client', client.stdout.trim()));
    const info = await p.run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
    state.engine = info.code === 0 && info.stdout.trim() !== '';
    checks.push(state.engine ? ok('docker engine', `server ${info.stdout.trim()}`) : fail('docker engine', `not reachable ${why} (${firstLine(info)})`, START_ENGINE));
    const compose = await p.run('docker', ['compose', 'version'], { timeoutMs: 10_000 });
    state.compose = compose.code === 0;
    checks.push(state.compose ? ok('docker compose', compose.stdout.trim()) : fail('docker compose', `the Compose plugin is missing (${firstLine(compose)})`, INSTALL_COMPOSE));
  }

  try {
    state.services = readComposeFile(ctx.composeFile, p.env);
  } catch (err) {
    checks.push(fail('docker-compose.yml', `cannot read ${ctx.composeFile}: ${(err as Error).message.split('\n')[0]}`, 'git checkout -- docker-compose.yml'));
    return { checks, state };
  }
  const wanted = [...new Set(targets.flatMap((t) => COMPOSE_SERVICES[typeOf(ctx.config, t)] ?? []))];
  const missing = wanted.filter((s) => !state.services.has(s));
  state.needed = withDependencies(wanted.filter((s) => state.services.has(s)), state.services);
  checks.push(
    missing.length
      ? fail('docker-compose.yml', `no service ${missing.join(', ')} (needed by ${targets.join(', ')})`, 'git checkout -- docker-compose.yml')
      : ok('docker-compose.yml', `services ${state.needed.join(', ')}`),
  );

  for (const name of state.needed) {
    const image = state.services.get(name)?.image;
    if (!image) continue;
    const what = `image ${image} (service ${name})`;
    if (!state.engine) {
      checks.push(skip(what, 'cannot be checked: no Docker engine to pull it with', `once the engine runs: docker pull ${image}`));
      continue;
    }
    const local = await p.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 20_000 });
    if (local.code === 0) {
      checks.push(ok(what, 'present locally'));
      continue;
    }
    const remote = await p.run('docker', ['manifest', 'inspect', image], { timeoutMs: 60_000 });
    checks.push(remote.code === 0 ? ok(what, 'pullable (manifest found in its registry)') : fail(what, `cannot be pulled (${firstLine(remote)})`, imageFix(name, image)));
  }
  return { checks, state };
}

function imageFix(service: string, image: string): string {
  if (service === 'iris') {
    return 'set PB_IRIS_IMAGE to an existing tag (tags: curl -s https://containers.intersystems.com/v2/intersystems/iris-community/tags/list), e.g. PB_IRIS_IMAGE=intersystemsdc/iris-community:latest make doctor …';
  }
  return `check the registry is reachable and the tag exists: docker pull ${image}`;
}
