import type { StageContext } from '../cli/run-stage.js';
import { redact } from '../config/redact.js';
import { withoutTrivialTypes } from '../config/target-instances.js';
import { belowProductionScale } from '../config/schema.js';
import { errorText } from '../errors.js';
import { createRun, finishRun, newRunId, type RunKind } from '../store/runs.js';
import { attachRun } from '../store/stage-log.js';
import { datasetIdOf } from './dataset.js';
import { loadTargets, openSessions, type OpenTarget } from './targets.js';

/**
 * Start a run of `kind` (status 'running', config redacted) and open one session per target. If
 * a session cannot be opened the run is marked failed and TargetUnavailableError propagates.
 */
export async function startRunWithSessions(ctx: StageContext, kind: RunKind, fixedRunId?: string): Promise<{ runId: string; targets: OpenTarget[] }> {
  const c = ctx.config;
  // fixedRunId: a shard's run id, the same on every shard (lib/pipeline/shard-identity.ts).
  const runId = fixedRunId ?? newRunId(kind);
  await createRun(ctx.store, {
    run_id: runId, kind, profile: redact(c.profile), dataset_id: datasetIdOf(c), seed: c.seed,
    targets_json: JSON.stringify(c.targets), target_types: c.target_types, config_json: JSON.stringify(redact(withoutTrivialTypes(c))), below_production_scale: belowProductionScale(c) ? 1 : 0,
  });
  await attachRun(ctx.store, ctx.executionId, runId);
  try {
    return { runId, targets: await openSessions(await loadTargets(c, ctx.root), ctx.stage) };
  } catch (err) {
    await finishRun(ctx.store, runId, 'failed', null, errorText(err));
    throw err;
  }
}
