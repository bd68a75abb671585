import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseStageFlags, type StageFlags } from '../config/cli-flags.js';
import { commandHelp } from './stage-help.js';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { redact } from '../config/redact.js';
import { PROJECT_ROOT } from '../env/package-version.js';
import { ConfigError, ExitCode, InterruptedError, MissingInputError, PathbenchError, errorText } from '../errors.js';
import { stopStartedServers } from '../pipeline/started-servers.js';
import { openStore } from '../store/open.js';
import type { SqliteDb } from '../store/sqlite.js';
import { finishExecution, startExecution } from '../store/stage-log.js';
import { markAbandoned } from '../store/abandoned.js';
import { LOCKING_STAGES, acquireRunLocks, lockPaths } from '../pipeline/run-lock.js';

export const STAGES = ['provision', 'validate', 'seed', 'warmup', 'measure', 'aggregate', 'render'] as const;
/** Commands over the store that run through the same wrapper but are not pipeline stages (not in `make all`). */
export const TOOLS = ['compare', 'runs', 'report', 'export', 'merge'] as const;
export type StageName = (typeof STAGES)[number] | (typeof TOOLS)[number];

/**
 * Commands that only read measurements already in the store: a store file that does not exist is
 * refused before it is opened (opening creates it), so a mistyped --store leaves no empty store
 * behind and the message names the path. Found when `aggregate --store <relative path>` from another
 * directory created empty stores in the project root and then said "no such measurement run".
 * `runs` keeps listing an absent store as empty; `merge` writes the store.
 */
const READ_ONLY_STAGES: ReadonlySet<StageName> = new Set(['aggregate', 'render', 'compare', 'report', 'export']);

export interface StageContext {
  stage: StageName;
  config: ResolvedConfig;
  flags: StageFlags;
  store: SqliteDb;
  executionId: number;
  /** Project root: relative paths in the config resolve against it. */
  root: string;
  /** Progress and status lines go to stderr so stdout stays clean for tables. */
  log(message: string): void;
  /** Aborted on SIGINT/SIGTERM (reason: InterruptedError); long loops check it between requests. */
  signal: AbortSignal;
}

/**
 * The one wrapper every stage script calls: parse flags, validate the config (nothing is written
 * if that fails), open the store, record the stage's execution, run `body`, map errors to exit
 * codes. Returns the exit code; never calls process.exit, so tests can call it in process.
 */
export async function runStage(
  stage: StageName,
  argv: string[],
  body: (ctx: StageContext) => Promise<void>,
  /** `--dry-run`: the listing to print instead of running `body` (seed, measure); no store is opened. */
  dryRun?: (config: ResolvedConfig, root: string) => Promise<string>,
  /** merge: the file to open in place of the configured store (a temporary copy it renames on success: stages/merge.ts). */
  storeFile?: (configured: string) => Promise<string>,
): Promise<number> {
  // Every line redacted (URL userinfo, password=…): the last guard before a terminal or a CI log.
  const log = (m: string) => process.stderr.write(`[${stage}] ${redact(m)}\n`);
  let flags: StageFlags;
  let config: ResolvedConfig;
  try {
    flags = parseStageFlags(argv);
    if (flags.help) {
      process.stdout.write(commandHelp(stage));
      return ExitCode.ok;
    }
    config = await loadConfig(resolve(PROJECT_ROOT, flags.config), flags.overrides, flags.overlay === undefined ? undefined : resolve(PROJECT_ROOT, flags.overlay));
    if (flags.dryRun) {
      if (!dryRun) throw new ConfigError([`--dry-run: the ${stage} stage has no dry run (seed and measure do)`], 'command line');
      process.stdout.write(redact(await dryRun(config, PROJECT_ROOT)));
      return ExitCode.ok;
    }
  } catch (err) {
    log(`error: ${errorText(err)}`);
    return err instanceof PathbenchError ? err.exitCode : ExitCode.failure;
  }

  // One measurement at a time (lib/pipeline/run-lock.ts): taken before the store is touched, so a
  // refused stage writes nothing.
  let releaseLocks = async () => {};
  let store: SqliteDb;
  try {
    if (LOCKING_STAGES.has(stage)) releaseLocks = await acquireRunLocks(await lockPaths(config, PROJECT_ROOT, stage === 'measure' && flags.shard && flags.startAtMs !== undefined ? { ...flags.shard, startAtMs: flags.startAtMs } : undefined), stage, (m) => log(`warning: ${m}`));
    const configured = resolve(PROJECT_ROOT, config.store);
    if (READ_ONLY_STAGES.has(stage) && !existsSync(configured)) {
      throw new MissingInputError(stage, `no store at ${configured} (the config's store:, or --store, relative to ${PROJECT_ROOT})`, 'measure');
    }
    store = await openStore(storeFile ? await storeFile(configured) : configured);
    for (const line of await markAbandoned(store)) log(`note: ${line}`);
  } catch (err) {
    await releaseLocks();
    log(`error: ${errorText(err)}`);
    return err instanceof PathbenchError ? err.exitCode : ExitCode.failure;
  }
  const executionId = await startExecution(store, stage, JSON.stringify(redact(config)));
  // First SIGINT/SIGTERM: stop cleanly between requests (flush, mark interrupted, close sessions,
  // stop the servers pathbench started unless --keep-servers).
  // A second one exits at once; the store stays consistent (WAL, transactions), the run not complete.
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`${sig} again: exiting now`);
      process.exit(ExitCode.interrupted);
    }
    log(`${sig} received: stopping after the current request (again to exit at once)…`);
    controller.abort(new InterruptedError(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code: number = ExitCode.ok;
  let message: string | undefined;
  try {
    await body({ stage, config, flags, store, executionId, root: PROJECT_ROOT, log, signal: controller.signal });
    if (controller.signal.aborted) throw controller.signal.reason;
  } catch (err) {
    code = err instanceof PathbenchError ? err.exitCode : ExitCode.failure;
    message = errorText(err);
    log(`error: ${message}`);
    if (!(err instanceof PathbenchError) && process.env.PATHBENCH_DEBUG) log(String((err as Error).stack));
  }
  if (code === ExitCode.interrupted && !flags.keepServers) await stopStartedServers(store, PROJECT_ROOT, log).catch((err) => log(`stopping servers: ${errorText(err)}`));
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await finishExecution(store, executionId, code, message).catch(() => {});
  await store.close();
  await releaseLocks();
  return code;
}

/** True when `importMetaUrl` is the script node was started with (zx-style "run main if entry point"). */
export function isEntryPoint(importMetaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === importMetaUrl;
  } catch {
    return false;
  }
}
