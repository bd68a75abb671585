import { join, resolve } from 'node:path';
import { $ } from 'zx';
import { composeServiceRunning, localPostgresRunning, type OnServerStarted } from '../started-server.js';
import type { PostgresOptions } from './options.js';
import { isSocketHost, resolvePassword } from './options.js';
import { localSocketDir, startLocalPgbouncer } from './pgbouncer.js';

/**
 * The three ways to have a PostgreSQL + pgvector server. Each is idempotent and returns one line
 * saying what it did; failures say what to do instead. A server that was not running before is
 * reported through `started` (an interrupted stage stops it again); one already running is not.
 */
export async function provisionPostgres(o: PostgresOptions, root: string, started?: OnServerStarted): Promise<string> {
  const where = o.url ? 'the server at `url`' : `${o.host}:${o.port}`;
  switch (o.provision) {
    case 'existing':
      return `existing server ${where} (nothing started; validate checks it)`;
    case 'local': {
      const socketDir = localSocketDir(resolve(root, o.data_dir));
      if (isSocketHost(o.host) && resolve(root, o.host) !== socketDir) {
        throw new Error(`provision: local: the cluster in data_dir listens on the Unix socket directory ${socketDir}; set host to it, or to 127.0.0.1`);
      }
      if (o.url || !['127.0.0.1', 'localhost', socketDir].includes(isSocketHost(o.host) ? resolve(root, o.host) : o.host)) {
        throw new Error('provision: local starts a server on 127.0.0.1 only; set host: 127.0.0.1 (no url) or provision: existing');
      }
      if (o.via === 'pgbouncer') {
        // The server first (on pgbouncer.server_port), then the bouncer in front of it on `port`.
        const server = await startLocalPostgres(o, o.pgbouncer.server_port, root, started);
        return `${server}; ${await startLocalPgbouncer(o, root, started)}`;
      }
      return startLocalPostgres(o, o.port, root, started);
    }
    case 'docker': {
      const wasRunning = await composeServiceRunning('postgres', root);
      const r = await $({ nothrow: true, quiet: true, cwd: root })`docker compose up -d --wait postgres`;
      if (r.exitCode !== 0) {
        throw new Error(
          `docker compose could not start the postgres service (${(r.stderr || r.stdout).trim().split('\n').at(-1)}); ` +
            'is a Docker engine running? Otherwise use provision: local (Debian, no Docker) or existing',
        );
      }
      if (!wasRunning) started?.({ kind: 'compose', service: 'postgres' });
      return `docker compose service postgres is healthy on ${where}`;
    }
  }
}

/** scripts/postgres-local.sh start for the cluster in data_dir on `port` (the instance's own, or the one behind its PgBouncer). */
async function startLocalPostgres(o: PostgresOptions, port: number, root: string, started?: OnServerStarted): Promise<string> {
  const dataDir = resolve(root, o.data_dir);
  const wasRunning = await localPostgresRunning(port, dataDir, root);
  const env = {
    ...process.env,
    PB_PG_DATA: dataDir,
    PB_PG_PORT: String(port),
    PB_PG_USER: o.user,
    PB_PG_DB: o.database,
    PB_PG_PASSWORD: resolvePassword(o) ?? '',
    PB_PG_SSL: o.ssl === 'require' ? '1' : '0',
  };
  const r = await $({ env, nothrow: true, quiet: true, cwd: root })`${join(root, 'scripts/postgres-local.sh')} start`;
  if (r.exitCode !== 0) {
    throw new Error(`scripts/postgres-local.sh start failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  }
  if (!wasRunning) started?.({ kind: 'local-postgres', port, data_dir: dataDir });
  const line = r.stdout.trim().split('\n').at(-1) ?? 'local server ready';
  return wasRunning ? `${line} (already running; left running on interrupt)` : line;
}
