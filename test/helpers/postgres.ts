import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';

/**
 * Where the PostgreSQL tests find their server: PB_PG_HOST/PORT/USER/PASSWORD (defaults: the
 * throwaway server of scripts/postgres-local.sh, 127.0.0.1:5433, postgres/postgres). Tests use
 * their own database (PB_PG_TEST_DB, default pathbench_test) so they never touch a user's seeded
 * `benchmark` database, and two checkouts can run their tests against one server at once.
 */
export const PG_TEST_DB = process.env.PB_PG_TEST_DB ?? 'pathbench_test';

export function pgTestServer() {
  return {
    host: process.env.PB_PG_HOST ?? '127.0.0.1',
    port: Number(process.env.PB_PG_PORT ?? 5433),
    user: process.env.PB_PG_USER ?? 'postgres',
    password: process.env.PB_PG_PASSWORD ?? 'postgres',
  };
}

/** postgres target options for the test database (password via the environment, as users would). */
export function pgTestTargetOptions(): Record<string, unknown> {
  const s = pgTestServer();
  return { provision: 'existing', host: s.host, port: s.port, user: s.user, database: PG_TEST_DB, password_env: 'PB_PG_PASSWORD' };
}

/**
 * Ensure the test database exists. Returns undefined when the server is reachable, else the
 * reason. In CI (CI=true) the caller must fail on a reason; elsewhere it skips with one line.
 */
export async function preparePgTestDatabase(): Promise<string | undefined> {
  const s = pgTestServer();
  process.env.PB_PG_PASSWORD ??= s.password;
  const client = new pg.Client({ ...s, database: 'postgres', connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_TEST_DB]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${PG_TEST_DB}`);
    return undefined;
  } catch (err) {
    return `no PostgreSQL at ${s.host}:${s.port} (${(err as Error).message}); run \`make postgres-local\` (Debian, root) or set PB_PG_HOST/PB_PG_PORT`;
  } finally {
    await client.end().catch(() => {});
  }
}

export const REQUIRE_POSTGRES = process.env.CI === 'true' || process.env.PATHBENCH_REQUIRE_POSTGRES === '1';

/**
 * Data directory of the test server's scripts/postgres-local.sh cluster (PB_PG_DATA, as the script
 * reads it; default data/postgres of this checkout, where .ci/run starts it). Paths that start
 * something in front of that server (PgBouncer) reach it over the cluster's Unix socket next to it.
 */
export function pgTestDataDir(): string {
  return process.env.PB_PG_DATA ?? join(PROJECT_ROOT, 'data/postgres');
}

/**
 * Why the paths that start something beside the test server (PgBouncer over its Unix socket, the
 * socket path itself) cannot run here, or undefined: they need root and the cluster's socket.
 */
export function rootAndSocketProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  const socketDir = `${pgTestDataDir()}.sock`;
  const socket = join(socketDir, `.s.PGSQL.${pgTestServer().port}`);
  return existsSync(socket) ? undefined : `no test server socket at ${socket} (set PB_PG_DATA to its data directory)`;
}

/**
 * The one gate of a live test file. Under CI (REQUIRE_POSTGRES) a problem fails the file, never a
 * silent skip; elsewhere it prints one line and the caller skips. Returns whether to skip.
 */
export function skipLiveTests(what: string, problem: string | undefined): boolean {
  if (problem && REQUIRE_POSTGRES) throw new Error(`${what} tests are required here (CI=true) but cannot run: ${problem}`);
  if (problem) process.stderr.write(`${what} tests skipped: ${problem}. Set CI=true to require them.\n`);
  return problem !== undefined;
}
