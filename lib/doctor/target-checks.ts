import { typeOf } from '../config/target-instances.js';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { errorText } from '../errors.js';
import { loadTarget } from '../targets/registry.js';
import { fail, ok, skip, type Check } from './check.js';
import { COMPOSE_SERVICES } from './compose-file.js';
import { optionsOf, type DoctorContext } from './context.js';
import type { DockerState } from './docker-checks.js';

/** Targets driven by node-postgres, which falls back to PGPASSWORD and ~/.pgpass without a password. */
const PG_DRIVEN = new Set(['postgres', 'iris-pgwire']);

/** The target's driver module loads (pg, PGlite, …; the IRIS SDK is checked on its own). */
export async function driverCheck(ctx: DoctorContext, target: string): Promise<Check> {
  try {
    await loadTarget(typeOf(ctx.config, target));
    return ok(`${target}: driver`, 'its module loads');
  } catch (err) {
    return fail(`${target}: driver`, errorText(err), 'npm ci');
  }
}

/** host and port a target connects to (postgres may give a url instead), or undefined for embedded targets. */
function address(o: Record<string, unknown>): { host: string; port: number } | undefined {
  if (typeof o.url === 'string') {
    const u = new URL(o.url);
    return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
  }
  return typeof o.host === 'string' && typeof o.port === 'number' ? { host: o.host, port: o.port } : undefined;
}

const startHint: Record<string, string> = {
  postgres: 'start your PostgreSQL + pgvector there, or set provision: local (scripts/postgres-local.sh) or docker',
  'iris-pgwire': 'start the gateway (docker compose up -d --wait iris-pgwire, or python -m iris_pgwire.server), or set provision: docker',
  'iris-native': 'start IRIS (docker compose up -d --wait iris), or set provision: docker',
};

/**
 * The target's host:port, by how it is provisioned: a target without `provision` (pglite-wire)
 * starts its own server, so the port must be free; `existing` must answer; `docker` must be free
 * (compose publishes the service there) or already served by the compose service; `local`
 * (postgres, scripts/postgres-local.sh) must be free or served by that script's cluster of the
 * profile's data_dir — another server there makes the script fail to start its own.
 */
export async function portCheck(ctx: DoctorContext, target: string, docker: DockerState): Promise<Check> {
  const o = optionsOf(ctx, target);
  const a = address(o);
  if (!a) return skip(`${target}: port`, 'embedded: no server port');
  if (a.host.includes('/') && !a.host.includes(':')) return skip(`${target}: ${a.host}`, 'Unix socket directory: not probed (validate connects through it)');
  const what = `${target}: ${a.host}:${a.port}`;
  if (a.port === 0) return skip(what, 'port 0: an ephemeral port is chosen when the run starts');
  const p = ctx.probes;
  if (o.provision === undefined) {
    // No provision option: the target starts its own server in the run (pglite-wire's socket).
    return (await p.free(a.host, a.port))
      ? ok(what, 'free: the run starts its server there')
      : fail(what, 'in use: the run cannot start its server there', `stop what listens there (ss -ltnp 'sport = :${a.port}' shows it), or set target_options.${target}.port to another port (0 = any free one)`);
  }
  const answering = await p.answering(a.host, a.port, 2000);
  const provision = String(o.provision);
  const inUse = `stop what listens there (ss -ltnp 'sport = :${a.port}' shows it), or set target_options.${target}.provision: existing to use it`;

  if (provision === 'existing') {
    return answering ? ok(what, 'answering (provision: existing)') : fail(what, 'nothing answers there (provision: existing)', startHint[typeOf(ctx.config, target)] ?? 'start the server there');
  }
  if (provision === 'docker') {
    const service = COMPOSE_SERVICES[typeOf(ctx.config, target)]?.[0] ?? target;
    if (!answering) return ok(what, `free: make provision starts compose service ${service} there`);
    if (docker.engine && docker.compose) {
      const r = await p.run('docker', ['compose', 'ps', '--status', 'running', '-q', service], { cwd: ctx.root, timeoutMs: 20_000 });
      if (r.code === 0 && r.stdout.trim()) return ok(what, `answering: compose service ${service} is running`);
    }
    return fail(what, `in use by something other than compose service ${service}, which cannot publish its port then`, inUse);
  }
  if (provision === 'local' && o.via === 'pgbouncer') {
    return answering ? ok(what, 'answering (a PgBouncer there is reused: scripts/pgbouncer-local.sh start is idempotent)') : ok(what, 'free: make provision starts PgBouncer there (scripts/pgbouncer-local.sh, Debian package, as root)');
  }
  if (provision === 'local') {
    const dataDir = resolve(ctx.root, String(o.data_dir ?? 'data/postgres'));
    const script = join(ctx.root, 'scripts/postgres-local.sh');
    if (answering) {
      const r = await p.run(script, ['status'], { env: { ...p.env, PB_PG_PORT: String(a.port), PB_PG_DATA: dataDir }, timeoutMs: 30_000 });
      if (r.code === 0) return ok(what, `answering: the scripts/postgres-local.sh cluster of ${dataDir}`);
      return fail(what, `in use by a server other than the scripts/postgres-local.sh cluster of ${dataDir} (provision: local would fail to start its own)`, inUse);
    }
    if (!p.isRoot) return fail(what, 'free, but provision: local runs scripts/postgres-local.sh, which must run as root', `sudo make provision CONFIG=${ctx.profile}, or start PostgreSQL yourself and set provision: existing`);
    return ok(what, 'free: make provision starts scripts/postgres-local.sh there (Debian packages, as root)');
  }
  return skip(what, `provision: ${provision} is not checked`);
}

/**
 * The password of each server target: the profile's `password` or its `password_env` variable.
 * Unset counts as set only where pathbench starts a throwaway server whose default it knows
 * (provision: docker, and postgres' provision: local); pg-driven targets also accept PGPASSWORD
 * or ~/.pgpass, which node-postgres reads. Never prints a password.
 */
export function credentialCheck(ctx: DoctorContext, target: string): Check | undefined {
  const o = optionsOf(ctx, target);
  if (typeof o.password_env !== 'string') return undefined;
  const what = `${target}: password`;
  const env = ctx.probes.env;
  if (typeof o.password === 'string') return ok(what, 'given in the profile (redacted everywhere; prefer password_env)');
  if (env[o.password_env]) return ok(what, `${o.password_env} is set`);
  if (o.provision === 'docker') return ok(what, `${o.password_env} unset: the throwaway compose server's default is used`);
  if (o.provision === 'local') return ok(what, `${o.password_env} unset: the throwaway default of scripts/postgres-local.sh is used`);
  if (PG_DRIVEN.has(typeOf(ctx.config, target))) {
    if (env.PGPASSWORD) return ok(what, `${o.password_env} unset: pg uses PGPASSWORD`);
    const pgpass = env.PGPASSFILE ?? join(homedir(), '.pgpass');
    if (ctx.probes.exists(pgpass)) return ok(what, `${o.password_env} unset: pg reads ${pgpass}`);
  }
  return fail(what, `${o.password_env} is unset and provision: ${String(o.provision ?? 'existing')} has no throwaway default`, `export ${o.password_env}=<the password of user ${String(o.user ?? '?')}>`);
}
