import { spawn } from 'node:child_process';
import { ExitCode, PathbenchError } from '../errors.js';
import { resolvePassword, type PostgresOptions } from '../targets/postgres/options.js';

/**
 * pgbench as a child process, for `make bench-peers` and `make bench-client` (`script` names the
 * caller in messages). pgbench reads its server from libpq's environment, built by pgbenchEnv.
 */

/**
 * libpq's environment for the postgres target's server, with hnsw.ef_search set per connection
 * (PGOPTIONS) as pathbench's session setup sets it; the password only when the options give one.
 */
export function pgbenchEnv(o: PostgresOptions, efSearch: number, appName: string): NodeJS.ProcessEnv {
  const password = resolvePassword(o);
  return {
    ...process.env, PGHOST: o.host, PGPORT: String(o.port), PGUSER: o.user, PGDATABASE: o.database,
    PGOPTIONS: `-c hnsw.ef_search=${efSearch}`, PGAPPNAME: appName,
    ...(password !== undefined ? { PGPASSWORD: password } : {}),
  };
}

/**
 * Run `bin args` in `cwd` and resolve with its stdout and stderr together (pgbench prints its
 * figures to stdout and its progress and errors to stderr). A binary that cannot start is a
 * missing tool (exit 3, saying what to install); a non-zero exit rejects with its last 3 lines.
 */
export function runPgbench(bin: string, args: readonly string[], o: { env: NodeJS.ProcessEnv; cwd: string; script: string }): Promise<string> {
  return new Promise((res, rej) => {
    const p = spawn(bin, args, { env: o.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.stderr.on('data', (d) => (out += String(d)));
    p.on('error', (err) => rej(new PathbenchError(`${o.script}: cannot run ${bin} (${err.message}); install PostgreSQL's client tools (Debian: postgresql-client) or pass --pgbench`, ExitCode.targetUnavailable)));
    p.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`${bin} exited with ${code}: ${out.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}
