import { $ } from 'zx';

/**
 * `docker compose up -d --wait <service>` for the IRIS services of docker-compose.yml (iris,
 * iris-pgwire). Idempotent: a running healthy service returns at once. Fails with what to do.
 */
export async function composeUp(root: string, service: 'iris' | 'iris-pgwire', where: string): Promise<string> {
  const r = await $({ nothrow: true, quiet: true, cwd: root })`docker compose up -d --wait ${service}`;
  if (r.exitCode !== 0) {
    const last = (r.stderr || r.stdout).trim().split('\n').at(-1) ?? `exit ${r.exitCode}`;
    throw new Error(
      `docker compose could not start the ${service} service (${last}); is a Docker engine running? ` +
        `Otherwise start IRIS${service === 'iris-pgwire' ? ' and the gateway' : ''} yourself and use provision: existing` +
        (service === 'iris' ? '. iris-native also needs the Native SDK: `make iris-sdk` once IRIS runs' : ''),
    );
  }
  return `docker compose service ${service} is healthy on ${where}`;
}
