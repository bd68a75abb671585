import { z } from 'zod';
import { queryModeOption } from '../query-mode.js';

/**
 * pg (node-postgres) → the iris-pgwire gateway (PostgreSQL wire protocol v3) → InterSystems IRIS.
 * https://github.com/intersystems-community/iris-pgwire — PyPI `iris-pgwire`, run with
 * `python -m iris_pgwire.server`; it listens on PGWIRE_HOST:PGWIRE_PORT (default 0.0.0.0:5432) and
 * reaches IRIS at IRIS_HOST:IRIS_PORT (default localhost:1972) as IRIS_USERNAME/IRIS_PASSWORD in
 * IRIS_NAMESPACE (default USER) — src/iris_pgwire/server.py, docs/INSTALLATION.md. Clients connect
 * with `dbname=USER user=_SYSTEM password=SYS` (README "Quick Start"). Our compose service
 * publishes the gateway's 5432 on 127.0.0.1:5434 (5432 is a usual local PostgreSQL, 5433 ours).
 */
export const irisPgwireOptionsSchema = z
  .object({
    dialect: z
      .enum(['iris', 'pgvector'])
      .default('iris')
      .describe(
        'SQL of the measured queries: `iris` — IRIS SQL, passed through by the gateway (what an application written for IRIS sends); `pgvector` — pgvector SQL as an unchanged PostgreSQL application sends it, for the gateway to translate (queries it cannot run are reported "not supported on this path"). Load, fingerprint and versions are IRIS SQL in both. See docs/iris.md.',
      ),
    provision: z
      .enum(['existing', 'docker'])
      .default('existing')
      .describe('`existing`: use a running gateway; `docker`: `docker compose up -d --wait iris-pgwire` (starts iris first).'),
    host: z.string().min(1).default('127.0.0.1').describe('Gateway host.'),
    port: z.number().int().min(1).max(65535).default(5434).describe('Gateway port (5434: where the compose service publishes the gateway\'s 5432).'),
    database: z.string().min(1).default('USER').describe('The IRIS namespace (the gateway maps the PostgreSQL database name to it).'),
    user: z.string().min(1).default('_SYSTEM').describe('IRIS user.'),
    password: z.string().optional().describe('Password in the profile (redacted everywhere); prefer `password_env`.'),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .default('PB_IRIS_PASSWORD')
      .describe('Environment variable holding the password (never stored or reported). Unset: "SYS" for `provision: docker`, else PGPASSWORD / ~/.pgpass.'),
    connect_timeout_s: z.number().positive().max(600).default(10).describe('Seconds to wait for a connection before declaring the target unavailable.'),
    iris_host: z.string().min(1).default('127.0.0.1').describe('Host of the IRIS behind the gateway, as seen from here; only recognises that iris-pgwire and iris-native share one database (seeded once).'),
    iris_port: z.number().int().min(1).max(65535).default(1972).describe('Superserver port of the IRIS behind the gateway (see `iris_host`).'),
    /**
     * The statement protocol (lib/targets/query-mode.ts). On this gateway `extended` and `prepared`
     * make it execute every SELECT twice: node-postgres sends Describe (portal) before Execute,
     * and the gateway answers Describe by running the query to learn its columns
     * (src/iris_pgwire/protocol.py, handle_describe_message, describe_type "P"; commit 54d8128).
     * `simple` sends one Query message, executed once (handle_query_message).
     */
    query_mode: queryModeOption.describe(
      `${queryModeOption.description} On this gateway \`extended\` and \`prepared\` execute every SELECT twice (it answers Describe by running the query); \`simple\` executes once.`,
    ),
  })
  .strict()
  .describe(
    'InterSystems IRIS through the iris-pgwire gateway (PostgreSQL wire protocol), queried with `pg`. Not verified against a live IRIS (docs/iris.md).',
  );

export type IrisPgwireOptions = z.infer<typeof irisPgwireOptionsSchema>;

/**
 * The throwaway IRIS of docker-compose.yml keeps the image's default password SYS (unexpired by
 * iris/after-start.sh) unless PB_IRIS_PASSWORD says otherwise; it listens on 127.0.0.1 only.
 */
export const IRIS_THROWAWAY_PASSWORD = 'SYS';

export function resolveIrisPgwirePassword(o: IrisPgwireOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (o.password !== undefined) return o.password;
  const fromEnv = env[o.password_env];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (o.provision === 'docker') return IRIS_THROWAWAY_PASSWORD;
  return undefined; // pg then falls back to PGPASSWORD / ~/.pgpass
}
