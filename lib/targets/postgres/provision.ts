import { join } from 'node:path';
import { $ } from 'zx';
import type { PostgresOptions } from './options.js';
import { resolvePassword } from './options.js';

/**
 * The three ways to have a PostgreSQL + pgvector server. Each is idempotent and returns one line
 * saying what it did; failures say what to do instead.
 */
export async function provisionPostgres(o: PostgresOptions, root: string): Promise<string> {
  const where = o.url ? 'the server at `url`' : `${o.host}:${o.port}`;
  switch (o.provision) {
    case 'existing':
      return `existing server ${where} (nothing started; validate checks it)`;
    case 'local': {
      if (o.url || !['127.0.0.1', 'localhost'].includes(o.host)) {
        throw new Error('provision: local starts a server on 127.0.0.1 only; set host: 127.0.0.1 (no url) or provision: existing');
      }
      const env = {
        ...process.env,
        PB_PG_PORT: String(o.port),
        PB_PG_USER: o.user,
        PB_PG_DB: o.database,
        PB_PG_PASSWORD: resolvePassword(o) ?? '',
      };
      const r = await $({ env, nothrow: true, quiet: true, cwd: root })`${join(root, 'scripts/postgres-local.sh')} start`;
      if (r.exitCode !== 0) {
        throw new Error(`scripts/postgres-local.sh start failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ')}`);
      }
      return r.stdout.trim().split('\n').at(-1) ?? 'local server started';
    }
    case 'docker': {
      const r = await $({ nothrow: true, quiet: true, cwd: root })`docker compose up -d --wait postgres`;
      if (r.exitCode !== 0) {
        throw new Error(
          `docker compose could not start the postgres service (${(r.stderr || r.stdout).trim().split('\n').at(-1)}); ` +
            'is a Docker engine running? Otherwise use provision: local (Debian, no Docker) or existing',
        );
      }
      return `docker compose service postgres is healthy on ${where}`;
    }
  }
}
