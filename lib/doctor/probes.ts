import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { loadIrisSdk, type LoadedSdk } from '../targets/iris-native/sdk.js';

/** Result of a command; `missing` when the program is not on PATH. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  missing: boolean;
}

/**
 * Everything doctor asks of the machine, behind one interface so tests can replace any part
 * (a fake `docker` on PATH, a port held open, an SDK double). Every probe is bounded in time.
 */
export interface Probes {
  run(cmd: string, args: readonly string[], opts?: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** True when something accepts a TCP connection at host:port within timeoutMs. */
  answering(host: string, port: number, timeoutMs?: number): Promise<boolean>;
  /** True when a server could listen on host:port now. */
  free(host: string, port: number): Promise<boolean>;
  loadSdk(root: string, sdkPath?: string): LoadedSdk;
  exists(path: string): boolean;
  /** The environment commands run with and variables are read from. */
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** process.versions.node */
  nodeVersion: string;
}

function run(cmd: string, args: readonly string[], opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((done) => {
    execFile(cmd, [...args], { timeout: opts.timeoutMs ?? 20_000, cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      done({
        code: err ? (typeof code === 'number' ? code : null) : 0,
        stdout: String(stdout),
        stderr: String(stderr) || (err && typeof code !== 'number' ? String((err as Error).message) : ''),
        missing: code === 'ENOENT',
      });
    });
  });
}

function answering(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((done) => {
    const s = new Socket();
    const finish = (v: boolean) => {
      s.destroy();
      done(v);
    };
    s.setTimeout(timeoutMs, () => finish(false));
    s.once('connect', () => finish(true));
    s.once('error', () => finish(false));
    s.connect(port, host);
  });
}

function free(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => done(true)));
  });
}

/** The machine as it is; `env` (default process.env) is what commands see, PATH included. */
export function machineProbes(env: NodeJS.ProcessEnv = process.env): Probes {
  return {
    run: (cmd, args, opts = {}) => run(cmd, args, { ...opts, env: opts.env ?? env }),
    answering,
    free,
    loadSdk: loadIrisSdk,
    exists: existsSync,
    env,
    platform: process.platform,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    nodeVersion: process.versions.node,
  };
}

/** The first line of a command's complaint, for a check's detail. */
export function firstLine(r: RunResult): string {
  return (r.stderr || r.stdout).trim().split('\n').find((l) => l.trim())?.trim() ?? `exit ${r.code ?? 'timeout'}`;
}
