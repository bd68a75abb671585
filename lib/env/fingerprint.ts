import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, packageVersion } from './package-version.js';

/** The client side of a run's environment fingerprint; targets add their own (server, extensions). */
export interface ClientEnvironment {
  pathbench: string;
  node: string;
  /** Start-up flags of the process (process.execArgv), e.g. the young-generation size the Makefile sets. */
  node_flags: string;
  platform: string;
  cpu_model: string;
  cpu_count: number;
  memory_gb: number;
  hostname_hash: string;
  git_commit: string;
  git_dirty: boolean | null;
  packages: Record<string, string>;
}

const PATHBENCH_VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function clientEnvironment(): ClientEnvironment {
  const cpus = os.cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    pathbench: PATHBENCH_VERSION,
    node: process.version,
    // Node/V8 start-up flags of this process (the Makefile's --max-semi-space-size=64 among them).
    node_flags: process.execArgv.join(' '),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu_model: cpus[0]?.model ?? 'unknown',
    cpu_count: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    // The host name can identify a machine; a short hash still tells runs of two machines apart.
    hostname_hash: createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8),
    git_commit: git(['rev-parse', 'HEAD']) ?? 'unknown (not a git checkout)',
    git_dirty: status === null ? null : status.length > 0,
    packages: Object.fromEntries(
      ['pg', '@electric-sql/pglite', '@electric-sql/pglite-pgvector', '@electric-sql/pglite-socket', 'arquero', 'vega', 'vega-lite', '@vscode/sqlite3'].map((p) => [p, packageVersion(p)]),
    ),
  };
}
