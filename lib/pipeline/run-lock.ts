import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import { ExitCode, PathbenchError } from '../errors.js';
import { pidAlive } from '../store/abandoned.js';
import { loadTargets } from './targets.js';

/**
 * One measurement at a time. Stages that load a database or time it (seed, warmup, measure) hold
 * exclusive locks for their whole run:
 * - the store's: `<store>.lock` beside the SQLite file;
 * - each database's: `<tmpdir>/pathbench-locks/<sha1 of the target's databaseKey>.lock`, so two
 *   stores (two checkouts, two profiles) cannot time the same PGlite data directory or server
 *   at once on this machine.
 * A lock is a file created exclusively (O_EXCL) holding pid, host, stage and start time. A second
 * holder is refused with exit 2 naming the first. A lock whose pid is gone on this host is stale:
 * it is taken over with a warning. A lock from another host cannot be checked: the message says
 * which file to remove if that host is done. SQLite's busy timeout serialises writes, not timed
 * phases: without this, two measure stages overlapped and timed each other's load.
 */
export const LOCKING_STAGES: ReadonlySet<string> = new Set(['seed', 'warmup', 'measure']);

export interface LockHolder {
  pid: number;
  host: string;
  stage: string;
  started_at: string;
  /** What is locked, for messages: "store data/bench.sqlite", "database pglite:/…". */
  what: string;
}

export class BusyError extends PathbenchError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'BusyError';
  }
}

export function databaseLockDir(): string {
  return join(tmpdir(), 'pathbench-locks');
}

/**
 * The lock files a stage of `config` takes: the store's, then one per distinct database. A shard
 * (`measure --shard i/N --start-at MS`) shares its databases with the other shards of its run by
 * design, so its database locks are that shard's own (`<key> shard i/N at MS`): shards of one run
 * on one host do not refuse each other, and the same shard started twice is still refused.
 */
export async function lockPaths(config: ResolvedConfig, root: string, shard?: { index: number; count: number; startAtMs: number }): Promise<{ path: string; what: string }[]> {
  const store = resolve(root, config.store);
  const out = [{ path: `${store}.lock`, what: `store ${config.store}` }];
  const keys = new Set<string>();
  for (const t of await loadTargets(config, root)) {
    try {
      keys.add(t.module.databaseKey(t.ctx));
    } catch {
      // a target whose key cannot be computed fails in the stage itself, with its own message
    }
  }
  for (const plain of [...keys].sort()) {
    const key = shard ? `${plain} shard ${shard.index}/${shard.count} at ${shard.startAtMs}` : plain;
    out.push({ path: join(databaseLockDir(), `${createHash('sha1').update(key).digest('hex').slice(0, 20)}.lock`), what: `database ${key}` });
  }
  return out;
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    await fh.writeFile(JSON.stringify(holder));
    await fh.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Take every lock or none: on a refusal the ones already taken are released. Returns the release
 * function (idempotent; removes only files this process still owns).
 */
export async function acquireRunLocks(paths: readonly { path: string; what: string }[], stage: string, warn: (m: string) => void): Promise<() => Promise<void>> {
  const taken: string[] = [];
  const release = async () => {
    for (const p of taken.splice(0)) {
      const h = await readHolder(p);
      if (h && h.pid === process.pid && h.host === hostname()) await rm(p, { force: true });
    }
  };
  try {
    for (const { path, what } of paths) {
      await mkdir(dirname(path), { recursive: true });
      const me: LockHolder = { pid: process.pid, host: hostname(), stage, started_at: new Date().toISOString(), what };
      for (let attempt = 0; ; attempt++) {
        if (await tryCreate(path, me)) {
          taken.push(path);
          break;
        }
        const h = await readHolder(path);
        if (h && h.host === hostname() && !pidAlive(h.pid)) {
          warn(`taking over a stale lock on ${what}: ${h.stage} (pid ${h.pid}, started ${h.started_at}) is gone`);
          await rm(path, { force: true });
        } else if (h) {
          const elsewhere = h.host === hostname() ? '' : ` on host ${h.host} (cannot be checked from here: remove ${path} if that run is over)`;
          throw new BusyError(`${stage}: ${what} is in use by ${h.stage} (pid ${h.pid}${elsewhere ? '' : ` on ${h.host}`}, started ${h.started_at})${elsewhere}; one measurement at a time — wait for it to finish, or stop it`);
        } else if (attempt >= 3) {
          throw new BusyError(`${stage}: cannot take the lock ${path} on ${what} (unreadable); remove it if no pathbench stage is running`);
        }
        // unreadable: the holder is still writing it; look again shortly
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } catch (err) {
    await release();
    throw err;
  }
  return release;
}
