import { $ } from 'zx';
import { composeServiceRunning, type OnServerStarted } from '../started-server.js';

/**
 * `docker compose up -d --wait <service>` for the IRIS services of docker-compose.yml (iris,
 * iris-pgwire). Idempotent: a running healthy service returns at once. Fails with what to do.
 * A service that was not running before is reported through `started`.
 */
export async function composeUp(root: string, service: 'iris' | 'iris-pgwire', where: string, started?: OnServerStarted): Promise<string> {
  const wasRunning = await composeServiceRunning(service, root);
  const r = await $({ nothrow: true, quiet: true, cwd: root })`docker compose up -d --wait ${service}`;
  if (r.exitCode !== 0) {
    const last = (r.stderr || r.stdout).trim().split('\n').at(-1) ?? `exit ${r.exitCode}`;
    throw new Error(
      `docker compose could not start the ${service} service (${last}); is a Docker engine running? ` +
        `Otherwise start IRIS${service === 'iris-pgwire' ? ' and the gateway' : ''} yourself and use provision: existing` +
        (service === 'iris' ? '. iris-native also needs the Native SDK: `make iris-sdk` once IRIS runs' : ''),
    );
  }
  if (!wasRunning) started?.({ kind: 'compose', service });
  return `docker compose service ${service} is healthy on ${where}`;
}
