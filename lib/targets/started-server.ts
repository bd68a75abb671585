// zx is loaded on first use: every stage imports this module (to stop what provision started on
// an interrupt) and zx's import alone costs ~0.15 s of start-up (measured, quiet machine).
const zx = async () => (await import('zx')).$;

/**
 * A server that pathbench itself started during provision (it was not running before). Recorded
 * in the store so that an interrupted stage can stop exactly these — and never a server the user
 * had running already. Holds no secret: port and data directory, or a compose service name.
 */
export type StartedServer =
  | { kind: 'local-postgres'; port: number; data_dir: string }
  | { kind: 'local-pgbouncer'; port: number; dir: string }
  | { kind: 'compose'; service: string };

/** Called by a target's provision when it started a server (provision stage only). */
export type OnServerStarted = (server: StartedServer) => void;

export function describeServer(s: StartedServer): string {
  switch (s.kind) {
    case 'local-postgres':
      return `local PostgreSQL on 127.0.0.1:${s.port} (data ${s.data_dir})`;
    case 'local-pgbouncer':
      return `local PgBouncer on 127.0.0.1:${s.port} (config ${s.dir})`;
    case 'compose':
      return `docker compose service ${s.service}`;
  }
}

/** Environment of scripts/pgbouncer-local.sh for the bouncer on `port` with its files in `dir`. */
export function pgbouncerEnv(port: number, dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PB_BOUNCER_PORT: String(port), PB_BOUNCER_DIR: dir, ...extra };
}

/** Bounded: a stop that takes longer than this is reported, not waited for. */
const STOP_TIMEOUT = '60s';

/** Stop one server pathbench started. Throws with the tool's last line when the stop fails. */
export async function stopServer(s: StartedServer, root: string): Promise<void> {
  const $ = await zx();
  const r =
    s.kind === 'local-postgres'
      ? await $({ env: { ...process.env, PB_PG_PORT: String(s.port), PB_PG_DATA: s.data_dir }, nothrow: true, quiet: true, cwd: root, timeout: STOP_TIMEOUT })`${root}/scripts/postgres-local.sh stop`
      : s.kind === 'local-pgbouncer'
        ? await $({ env: pgbouncerEnv(s.port, s.dir), nothrow: true, quiet: true, cwd: root, timeout: STOP_TIMEOUT })`${root}/scripts/pgbouncer-local.sh stop`
        : await $({ nothrow: true, quiet: true, cwd: root, timeout: STOP_TIMEOUT })`docker compose stop ${s.service}`;
  if (r.exitCode !== 0) {
    throw new Error(`${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? ''} (exit ${r.exitCode ?? r.signal})`);
  }
}

/** True when the local script reports the cluster at `data_dir` running (exit 0 of `status`). */
export async function localPostgresRunning(port: number, dataDir: string, root: string): Promise<boolean> {
  const r = await (await zx())({ env: { ...process.env, PB_PG_PORT: String(port), PB_PG_DATA: dataDir }, nothrow: true, quiet: true, cwd: root, timeout: '30s' })`${root}/scripts/postgres-local.sh status`;
  return r.exitCode === 0;
}

/** True when the compose service has a running container (false when Docker is absent). */
export async function composeServiceRunning(service: string, root: string): Promise<boolean> {
  const r = await (await zx())({ nothrow: true, quiet: true, cwd: root, timeout: '30s' })`docker compose ps --status running -q ${service}`;
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

/** True when scripts/pgbouncer-local.sh reports the bouncer on `port` (files in `dir`) running. */
export async function localPgbouncerRunning(port: number, dir: string, root: string): Promise<boolean> {
  const r = await (await zx())({ env: pgbouncerEnv(port, dir), nothrow: true, quiet: true, cwd: root, timeout: '30s' })`${root}/scripts/pgbouncer-local.sh status`;
  return r.exitCode === 0;
}
