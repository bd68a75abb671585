import { execFileSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { $ } from 'zx';
import { localPgbouncerRunning, pgbouncerEnv, type OnServerStarted } from '../started-server.js';
import type { PostgresOptions } from './options.js';

/**
 * PgBouncer as a real gateway in front of PostgreSQL (`via: pgbouncer`). The bouncer is Debian's
 * package, started by scripts/pgbouncer-local.sh; this module knows its version, whether a query
 * mode can run through it, and how provision starts it.
 */

/** PgBouncer's max_prepared_statements (prepared statements under transaction pooling) appeared in 1.21.0. */
export const PREPARED_IN_TRANSACTION_POOLING = [1, 21] as const;

let cachedVersion: string | null | undefined;

/** The local PgBouncer's version ("1.18.0"), or null when it is not installed. Read once per process. */
export function pgbouncerVersion(): string | null {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const out = execFileSync('/usr/sbin/pgbouncer', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    cachedVersion = /^PgBouncer (\d+\.\d+(?:\.\d+)?)/.exec(out)?.[1] ?? null;
  } catch {
    cachedVersion = null;
  }
  return cachedVersion;
}

function atLeast(version: string, [major, minor]: readonly [number, number]): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * Why the instance's query mode cannot run on this path, or undefined when it can. Named prepared
 * statements live in one server connection; under transaction (or statement) pooling the next
 * transaction may run on another one, so PgBouncer must track them itself (≥ 1.21,
 * max_prepared_statements). The mode is never changed silently: the instance is refused instead.
 */
export function queryModeUnsupported(o: PostgresOptions, version: string | null = pgbouncerVersion()): string | undefined {
  if (o.via !== 'pgbouncer' || o.query_mode !== 'prepared' || o.pgbouncer.pool_mode === 'session') return undefined;
  const need = PREPARED_IN_TRANSACTION_POOLING.join('.');
  if (version !== null && atLeast(version, PREPARED_IN_TRANSACTION_POOLING)) return undefined;
  return (
    `query_mode prepared: not supported on this path — PgBouncer ${version ?? '(version unknown: not installed here)'} with pool_mode ${o.pgbouncer.pool_mode} ` +
    `keeps no named prepared statements (max_prepared_statements needs PgBouncer ≥ ${need}); use query_mode extended or simple, or pgbouncer.pool_mode: session`
  );
}

/** The Unix socket directory scripts/postgres-local.sh gives the cluster in `dataDir`. */
export function localSocketDir(dataDir: string): string {
  return join(dirname(dataDir), `${basename(dataDir)}.sock`);
}

/**
 * Start the bouncer on 127.0.0.1:o.port in front of the local server (already started on
 * pgbouncer.server_port from data_dir). Idempotent; returns the script's last line.
 */
export async function startLocalPgbouncer(o: PostgresOptions, root: string, started?: OnServerStarted): Promise<string> {
  const dir = resolve(root, o.pgbouncer.dir);
  const wasRunning = await localPgbouncerRunning(o.port, dir, root);
  const env = pgbouncerEnv(o.port, dir, {
    PB_BOUNCER_POOL_MODE: o.pgbouncer.pool_mode,
    PB_BOUNCER_POOL_SIZE: String(o.pgbouncer.pool_size),
    PB_BOUNCER_SERVER_SOCKET: localSocketDir(resolve(root, o.data_dir)),
    PB_BOUNCER_SERVER_PORT: String(o.pgbouncer.server_port),
    PB_BOUNCER_SERVER_USER: o.user,
  });
  const r = await $({ env, nothrow: true, quiet: true, cwd: root })`${join(root, 'scripts/pgbouncer-local.sh')} start`;
  if (r.exitCode !== 0) {
    throw new Error(`scripts/pgbouncer-local.sh start failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  }
  if (!wasRunning) started?.({ kind: 'local-pgbouncer', port: o.port, dir });
  const line = r.stdout.trim().split('\n').at(-1) ?? 'PgBouncer ready';
  return wasRunning ? `${line} (left running on interrupt)` : line;
}
