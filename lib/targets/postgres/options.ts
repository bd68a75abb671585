import { z } from 'zod';
import { queryModeOption } from '../query-mode.js';

export const pgbouncerSchema = z
  .object({
    pool_mode: z
      .enum(['transaction', 'session', 'statement'])
      .default('transaction')
      .describe('PgBouncer pool_mode. transaction (default): a server connection per transaction; named prepared statements then need PgBouncer ≥ 1.21 (max_prepared_statements).'),
    pool_size: z.number().int().min(1).max(1000).default(20).describe('PgBouncer default_pool_size: server connections per database and user.'),
    server_port: z.number().int().min(1).max(65535).default(5433).describe('Port of the PostgreSQL server behind PgBouncer (provision: local starts it there, in data_dir, and PgBouncer reaches it over its Unix socket).'),
    dir: z.string().min(1).default('data/pgbouncer').describe('provision: local only: directory of PgBouncer\'s generated config, pid file and log (relative to the project root).'),
  })
  .strict();
export const PGBOUNCER_DEFAULTS = { pool_mode: 'transaction', pool_size: 20, server_port: 5433, dir: 'data/pgbouncer' } as const;

/**
 * A PostgreSQL server with pgvector ≥ 0.5. Connection by fields or by `url`; the password comes
 * from `password_env` (an environment variable, default PB_PG_PASSWORD) — it is never written to
 * the store or a report. `password` in a YAML file works but is redacted everywhere.
 */
export const postgresOptionsSchema = z
  .object({
    provision: z
      .enum(['existing', 'local', 'docker'])
      .default('existing')
      .describe('`existing`: use a running server; `local`: scripts/postgres-local.sh (Debian, root, no Docker); `docker`: the compose service `postgres`.'),
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      // A URL the WHATWG parser rejects (a port above 65535, a space in the host) used to pass here
      // and fail later in validate as "Invalid URL", naming no field.
      .refine(parsesAsUrl, 'is not a valid URL: postgres://user[:password]@host[:port]/database, port 1–65535, special characters percent-encoded')
      .optional()
      .describe('Connection URL (postgres://user@host:port/database), instead of the separate fields. A password in it is redacted everywhere.'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Host name or IP; a path (with a slash; relative to the project root) connects over the Unix socket in that directory (provision: local: the cluster\'s socket directory, <data_dir>.sock).'),
    port: z.number().int().min(1).max(65535).default(5433).describe('Server port (5433: the server `make postgres-local` and the compose service start).'),
    database: z.string().min(1).default('benchmark').describe('Database the benchmark tables are created in.'),
    user: z.string().min(1).default('postgres').describe('Role to connect as.'),
    password: z.string().optional().describe('Password in the profile (redacted everywhere); prefer `password_env`.'),
    data_dir: z.string().min(1).default('data/postgres').describe('`provision: local` only: the cluster\'s data directory (relative to the project root).'),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .default('PB_PG_PASSWORD')
      .describe('Environment variable holding the password (never stored or reported). Unset: "postgres" for a server pathbench provisions, else PGPASSWORD / ~/.pgpass.'),
    connect_timeout_s: z.number().positive().max(600).default(10).describe('Seconds to wait for a connection before declaring the target unavailable.'),
    statement_timeout_s: z
      .number()
      .nonnegative()
      .max(86_400)
      .default(1800)
      .describe(
        'Client-side limit on any one statement, in seconds (0 = none). A server that stalls without closing the connection is declared lost after this long (exit 3). Generous by default: it also bounds the HNSW build at seed time.',
      ),
    maintenance_work_mem: z
      .string()
      .regex(/^\d+\s*(kB|MB|GB)$/, 'e.g. 512MB or 1GB')
      .default('1GB')
      .describe('Session setting for the HNSW build (PostgreSQL syntax, e.g. 1GB).'),
    build_parallel_workers: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(2)
      .describe(
        'Parallel workers for the HNSW build. With vectors stored out of line the table looks tiny and PostgreSQL plans zero workers unless the table says otherwise (ALTER TABLE … SET (parallel_workers)).',
      ),
    query_mode: queryModeOption,
    ssl: z
      .enum(['disable', 'require'])
      .default('disable')
      .describe(
        'require: the client connects with TLS and fails if the server refuses it (libpq sslmode=require: encrypted, certificate not verified); ' +
          'provision: local turns TLS on with a throwaway self-signed certificate (openssl). disable: plain text.',
      ),
    via: z
      .enum(['direct', 'pgbouncer'])
      .default('direct')
      .describe(
        'direct: the client talks to PostgreSQL at host:port. pgbouncer: host:port is a PgBouncer in front of the server at pgbouncer.server_port ' +
          '(provision: local starts Debian\'s pgbouncer there, scripts/pgbouncer-local.sh). The server is the same database: such an instance shares its seed.',
      ),
    pgbouncer: pgbouncerSchema.default(PGBOUNCER_DEFAULTS).describe('PgBouncer settings; used only with via: pgbouncer.'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.via === 'pgbouncer' && o.ssl === 'require') {
      ctx.addIssue({ code: 'custom', path: ['ssl'], message: 'require is not available with via: pgbouncer (the local PgBouncer is configured without client TLS); measure TLS on a direct instance' });
    }
    if (o.via === 'pgbouncer' && isSocketHost(o.host)) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'a Unix socket is not available with via: pgbouncer (the local PgBouncer listens on 127.0.0.1 only)' });
    }
    if (isSocketHost(o.host) && o.ssl === 'require') {
      ctx.addIssue({ code: 'custom', path: ['ssl'], message: 'require is not available over a Unix socket (PostgreSQL offers no TLS there); use host: 127.0.0.1' });
    }
  })
  .describe(
    'A PostgreSQL server with pgvector ≥ 0.5, queried with `pg` (node-postgres): the reference path. Connect by fields or by `url`.',
  );

function parsesAsUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.hostname !== '' || u.pathname !== '';
  } catch {
    return false;
  }
}

export type PostgresOptions = z.infer<typeof postgresOptionsSchema>;

/**
 * The throwaway servers this project starts itself (local script, compose file) use this
 * password unless PB_PG_PASSWORD says otherwise; they listen on 127.0.0.1 only.
 */
export const THROWAWAY_PASSWORD = 'postgres';

export function resolvePassword(o: PostgresOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (o.password !== undefined) return o.password;
  const fromEnv = env[o.password_env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (o.provision !== 'existing') return THROWAWAY_PASSWORD;
  return undefined; // pg then falls back to PGPASSWORD / ~/.pgpass, like psql
}

/**
 * A host with a slash is a Unix socket directory (no host name has one); a relative one resolves
 * against the project root, like every path in options. One with a colon too is not: it is a
 * mistyped URL (http://user:pw@host/…), passed on as a host name as before sockets existed —
 * resolved as a path, its credentials would reach error messages unredacted.
 */
export function isSocketHost(host: string): boolean {
  return host.includes('/') && !host.includes(':');
}
