import type { StageContext } from '../cli/run-stage.js';
import { TargetUnavailableError, errorText } from '../errors.js';
import { loadTargets } from './targets.js';

/**
 * provision: make every configured target's database exist (data directories for the embedded
 * engine; servers in later profiles). Reads nothing from the store; records only its execution.
 */
export async function provision(ctx: StageContext): Promise<void> {
  const targets = await loadTargets(ctx.config, ctx.root);
  const failures: { target: string; reason: string }[] = [];
  for (const t of targets) {
    try {
      ctx.log(`${t.id}: ${await t.module.provision(t.ctx)}`);
    } catch (err) {
      failures.push({ target: t.id, reason: errorText(err) });
      ctx.log(`${t.id}: FAILED — ${errorText(err)}`);
    }
  }
  if (failures.length) throw new TargetUnavailableError(failures, 'provision');
}
