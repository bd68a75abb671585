import type { StageContext } from '../cli/run-stage.js';
import { TargetUnavailableError, errorText } from '../errors.js';
import { recordStartedServers, type StartedServerRow } from '../store/started-servers.js';
import { loadTargets } from './targets.js';

/**
 * provision: make every configured target's database exist (data directories for the embedded
 * engine; servers in later profiles). Reads nothing from the store; records its execution and the
 * servers it started (so that an interrupted stage can stop them again).
 */
export async function provision(ctx: StageContext): Promise<void> {
  const targets = await loadTargets(ctx.config, ctx.root);
  const failures: { target: string; reason: string }[] = [];
  const started: StartedServerRow[] = [];
  for (const t of targets) {
    try {
      const serverStarted = (server: StartedServerRow['server']) => void started.push({ target: t.id, server });
      ctx.log(`${t.id}: ${await t.module.provision({ ...t.ctx, serverStarted })}`);
    } catch (err) {
      failures.push({ target: t.id, reason: errorText(err) });
      ctx.log(`${t.id}: FAILED — ${errorText(err)}`);
    }
  }
  await recordStartedServers(ctx.store, ctx.executionId, started);
  if (failures.length) throw new TargetUnavailableError(failures, 'provision');
}
