import type { ResolvedConfig } from '../config/load.js';
import { typeOf } from '../config/target-instances.js';
import { TargetUnavailableError, errorText } from '../errors.js';
import type { OpenContext, Session, TargetModule } from '../targets/interface.js';
import { loadTarget } from '../targets/registry.js';
import type { QueryId } from '../workload/queries.js';

export interface LoadedTarget {
  /** The instance name: the target's id in the store, reports and messages. */
  id: string;
  /** Its target type (registry id); equal to `id` for a plain `targets` entry. */
  type: string;
  module: TargetModule;
  ctx: OpenContext;
}

export interface OpenTarget extends LoadedTarget {
  session: Session;
  /**
   * Queries this path cannot run, with the error it gave (set by the query probe,
   * lib/pipeline/query-probe.ts; absent before it ran): every phase skips them on this target.
   */
  unsupported?: ReadonlyMap<QueryId, string>;
}

/** Load the modules of the configured target instances, in config order. */
export async function loadTargets(config: ResolvedConfig, root: string): Promise<LoadedTarget[]> {
  const out: LoadedTarget[] = [];
  for (const id of config.targets) {
    const type = typeOf(config, id);
    out.push({ id, type, module: await loadTarget(type), ctx: { options: config.target_options[id] ?? {}, root } });
  }
  return out;
}

/**
 * Open one session per target. If any cannot be opened, close the ones that were and throw one
 * TargetUnavailableError naming every failed target (FR-006).
 */
export async function openSessions(targets: readonly LoadedTarget[], when: string): Promise<OpenTarget[]> {
  const opened: OpenTarget[] = [];
  const failures: { target: string; reason: string }[] = [];
  for (const t of targets) {
    try {
      opened.push({ ...t, session: await t.module.open(t.ctx) });
    } catch (err) {
      failures.push({ target: t.id, reason: errorText(err) });
    }
  }
  if (failures.length) {
    await closeSessions(opened);
    throw new TargetUnavailableError(failures, when);
  }
  return opened;
}

/** Close every session; never throws. Closing in reverse order releases shared engines last. */
export async function closeSessions(targets: readonly OpenTarget[]): Promise<void> {
  for (const t of [...targets].reverse()) await t.session.close().catch(() => {});
}

/**
 * Run `fn` against one target; an error that the target classifies as a lost connection becomes
 * TargetUnavailableError naming it (exit 3), wherever in a stage it happens.
 */
export async function onTarget<T>(t: OpenTarget, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (t.module.isConnectionLoss(err)) throw new TargetUnavailableError([{ target: t.id, reason: `lost during ${what}: ${errorText(err)}` }], what);
    throw err;
  }
}
