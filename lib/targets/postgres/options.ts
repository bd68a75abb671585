import { z } from 'zod';
import { queryModeOption } from '../query-mode.js';

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
    host: z.string().min(1).default('127.0.0.1').describe('Server host.'),
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
  })
  .strict()
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
