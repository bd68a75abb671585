import { resolve } from 'node:path';
import type pg from 'pg';
import { packageVersion } from '../../env/package-version.js';
import { connectPg, isPgConnectionLoss, type StatementWatch } from '../pg-session.js';
import { vectorSendBytes } from '../pgvector-sql/copy-binary.js';
import { pgvectorServerSession } from '../pgvector-sql/server-session.js';
import { textVector } from '../pgvector-sql/text-vector.js';
import type { Session, TargetModule } from '../interface.js';
import { SET_MAINTENANCE_WORK_MEM_SQL, TLS_STATE_SQL, dialect } from './dialect.js';
import { isSocketHost, resolvePassword, type PostgresOptions } from './options.js';
import { pgbouncerVersion, queryModeUnsupported } from './pgbouncer.js';
import { provisionPostgres } from './provision.js';

/** Exported for make bench-harness, which must query over exactly the measure stage's connection. */
export function connectionConfig(o: PostgresOptions): pg.ClientConfig {
  const password = resolvePassword(o);
  const base: pg.ClientConfig = o.url ? { connectionString: o.url } : { host: o.host, port: o.port, database: o.database, user: o.user };
  // sslmode=require as libpq means it: encrypted, the (throwaway, self-signed) certificate not verified.
  const ssl = o.ssl === 'require' ? { ssl: { rejectUnauthorized: false } } : {};
  return { ...base, ...ssl, ...(password !== undefined ? { password } : {}), connectionTimeoutMillis: o.connect_timeout_s * 1000, application_name: 'pathbench' };
}

/** statement_timeout_s as a per-connection watchdog (lib/targets/pg-session.ts), not a timer per query. */
export function statementWatch(o: PostgresOptions): StatementWatch {
  return { statementTimeoutMs: o.statement_timeout_s * 1000 };
}

function where(o: PostgresOptions): string {
  if (o.url) {
    const u = new URL(o.url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  }
  return `${o.host}:${o.port}/${o.database}`;
}

/**
 * The database itself, for seed sharing: through a PgBouncer it is the server behind it (on the
 * bouncer's host, pgbouncer.server_port), so a direct instance and a bouncer instance on one
 * server hold one database and seed loads it once.
 */
function databaseWhere(o: PostgresOptions): string {
  if (o.url) return where(o);
  if (o.via === 'pgbouncer') return `${o.host}:${o.pgbouncer.server_port}/${o.database}`;
  // PostgreSQL names its socket after its port (<dir>/.s.PGSQL.<port>) and owns that port on
  // loopback too: the server on this host's socket for port P is the one on 127.0.0.1:P.
  if (isSocketHost(o.host)) return `127.0.0.1:${o.port}/${o.database}`;
  return where(o);
}

/** How the client reaches the server, for descriptions and the environment. */
function pathText(o: PostgresOptions): string {
  if (o.via === 'pgbouncer') return ` via PgBouncer (pool_mode ${o.pgbouncer.pool_mode}) in front of port ${o.pgbouncer.server_port}`;
  if (isSocketHost(o.host)) return ' over its Unix socket';
  return o.ssl === 'require' ? ' over TLS (sslmode require)' : '';
}


/** node-postgres to a PostgreSQL + pgvector server: the reference path of the mission. */
export const target: TargetModule = {
  id: 'postgres',
  describe: (raw) => {
    const o = raw as PostgresOptions;
    return `pg ${packageVersion('pg')} → PostgreSQL at ${where(o)}${pathText(o)} (user ${o.url ? new URL(o.url).username : o.user}, provision ${o.provision})`;
  },
  dialect,
  capabilities: { concurrentSessions: true, annIndex: true, copy: true, plans: 'postgres-json', wireQueryModes: { placeholders: 'dollar', literals: 'postgres' } },
  databaseKey: (ctx) => `postgres:${databaseWhere(ctx.options as PostgresOptions)}`,
  provision: (ctx) => provisionPostgres(ctx.options as PostgresOptions, ctx.root, ctx.serverStarted),
  async open(ctx) {
    const o = ctx.options as PostgresOptions;
    const unsupported = queryModeUnsupported(o);
    if (unsupported) throw new Error(unsupported);
    let client: pg.Client;
    try {
      client = await connectPg(connectionConfig(isSocketHost(o.host) ? { ...o, host: resolve(ctx.root, o.host) } : o), statementWatch(o));
    } catch (err) {
      throw new Error(`cannot connect to PostgreSQL at ${where(o)}: ${(err as Error).message || String(err)}`, { cause: err });
    }
    await client.query(SET_MAINTENANCE_WORK_MEM_SQL, [o.maintenance_work_mem]);
    return pgvectorServerSession(client, o.query_mode);
  },
  encodeVector: (v, format) => (format === 'binary' ? vectorSendBytes(v) : textVector(v)),
  isConnectionLoss: isPgConnectionLoss,
  async environment(session, options) {
    const o = options as PostgresOptions | undefined;
    const one = async (sql: string) => String((await session.query(sql)).rows[0]?.[0]);
    const settings = (await session.query(dialect.server_settings)).rows.map((r) => `${String(r[0])}=${String(r[1])}`);
    return {
      driver: `pg ${packageVersion('pg')}`,
      server_version: await one(dialect.server_version),
      pgvector_version: await one(dialect.vector_version),
      settings: settings.join(', '),
      ...(o?.via === 'pgbouncer' ? { gateway: `PgBouncer ${pgbouncerVersion() ?? '(version unknown: not installed here)'}, pool_mode ${o.pgbouncer.pool_mode}, pool_size ${o.pgbouncer.pool_size}` } : {}),
      ...(o ? { transport: await transport(o, session) } : {}),
    };
  },
};

/**
 * The transport. With ssl: require, as the server saw this session (pg_stat_ssl), not only as
 * configured: a TLS instance whose session is not encrypted would say so. Through PgBouncer it is the client's hop
 * to the bouncer (TCP); the bouncer's own hop to the server is its Unix socket.
 */
async function transport(o: PostgresOptions, session: Session): Promise<string> {
  if (o.via === 'pgbouncer') return `TCP ${o.host}:${o.port} to PgBouncer; PgBouncer to the server over its Unix socket`;
  if (isSocketHost(o.host)) return `Unix socket ${o.host}/.s.PGSQL.${o.port}`;
  const where = o.url ? 'the url' : `${o.host}:${o.port}`;
  // ssl: disable never attempts TLS (node-postgres sends no SSLRequest): nothing to ask the server.
  if (o.ssl !== 'require') return `TCP ${where}, not encrypted`;
  const row = (await session.query(TLS_STATE_SQL)).rows[0];
  return row?.[0] === true ? `TLS (${String(row[1])}, ${String(row[2])}; certificate not verified) over TCP ${where}` : `TCP ${where}, not encrypted`;
}
