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
    /**
     * The SQL of the measured queries. `iris` (default): InterSystems IRIS SQL (lib/targets/iris-sql),
     * which the gateway passes to IRIS — what an application written for IRIS sends. `pgvector`:
     * pgvector SQL (`<=>`, `<#>`, `<->`) as an unchanged PostgreSQL application sends it, in the
     * form the gateway documents it translates (pgvector-gateway-dialect.ts); the queries the
     * gateway cannot run are reported per query as "not supported on this path". Everything else
     * (load, fingerprint, versions, settings) is IRIS SQL in both modes. Reports state the mode.
     */
    dialect: z.enum(['iris', 'pgvector']).default('iris'),
    /** existing: use a running gateway; docker: `docker compose up -d --wait iris-pgwire` (starts iris first). */
    provision: z.enum(['existing', 'docker']).default('existing'),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5434),
    /** The IRIS namespace (the gateway maps the PostgreSQL database name to it). */
    database: z.string().min(1).default('USER'),
    user: z.string().min(1).default('_SYSTEM'),
    password: z.string().optional(),
    password_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').default('PB_IRIS_PASSWORD'),
    connect_timeout_s: z.number().positive().max(600).default(10),
    /**
     * The IRIS instance behind the gateway, as seen from here (the compose service publishes
     * 1972 on 127.0.0.1). Used only to recognise that iris-pgwire and iris-native read the same
     * database (databaseKey), so seed loads it once.
     */
    iris_host: z.string().min(1).default('127.0.0.1'),
    iris_port: z.number().int().min(1).max(65535).default(1972),
    /**
     * The statement protocol (lib/targets/query-mode.ts). On this gateway `extended` and `prepared`
     * make it execute every SELECT twice: node-postgres sends Describe (portal) before Execute,
     * and the gateway answers Describe by running the query to learn its columns
     * (src/iris_pgwire/protocol.py, handle_describe_message, describe_type "P"; commit 54d8128).
     * `simple` sends one Query message, executed once (handle_query_message).
     */
    query_mode: queryModeOption,
  })
  .strict();

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
