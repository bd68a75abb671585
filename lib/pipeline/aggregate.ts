import type { StageContext } from '../cli/run-stage.js';
import { PathbenchError, ExitCode } from '../errors.js';
import { replaceAggregates } from '../store/aggregates.js';
import { getRun, latestRun, type RunRow } from '../store/runs.js';
import { attachRun } from '../store/stage-log.js';
import { readSamples } from '../store/samples.js';
import { summarize } from '../stats/latency-summary.js';
import { readVerifications, replaceVerificationSummary } from '../store/verifications.js';
import { summarizeVerifications } from '../verify/summary.js';
import { MissingInputError } from '../errors.js';

/** The run aggregate/render work on: --run ID, or the newest complete measurement run. */
export async function selectRun(ctx: StageContext): Promise<RunRow> {
  if (ctx.flags.run) {
    const run = await getRun(ctx.store, ctx.flags.run);
    if (!run || run.kind !== 'measure') throw new PathbenchError(`${ctx.stage}: --run ${ctx.flags.run}: no such measurement run in ${ctx.config.store}`, ExitCode.usage);
    if (run.status !== 'complete') {
      throw new PathbenchError(`${ctx.stage}: run ${run.run_id} is ${run.status}${run.error ? ` (${run.error})` : ''}; only complete runs are reported. Run \`make measure\` for a new one.`, ExitCode.usage);
    }
    return run;
  }
  const run = await latestRun(ctx.store, 'measure', 'complete');
  if (!run) throw new MissingInputError(ctx.stage, `no complete measurement run in ${ctx.config.store}`, 'measure');
  return run;
}

/**
 * aggregate: recompute every derived figure of one run from its raw samples (no database
 * needed). Drops and rewrites that run's aggregates and latency spectrum.
 */
export async function aggregate(ctx: StageContext): Promise<void> {
  const run = await selectRun(ctx);
  await attachRun(ctx.store, ctx.executionId, run.run_id);
  const samples = await readSamples(ctx.store, run.run_id, 'measure');
  if (samples.length === 0) throw new PathbenchError(`aggregate: run ${run.run_id} has no measured samples`);
  const { aggregates, spectrum } = summarize(run.run_id, samples);
  await replaceAggregates(ctx.store, run.run_id, aggregates, spectrum);
  const verification = summarizeVerifications(run.run_id, await readVerifications(ctx.store, run.run_id), JSON.parse(run.targets_json) as string[]);
  await replaceVerificationSummary(ctx.store, run.run_id, verification);
  const flagged = verification.filter((v) => v.verdict !== 'ok');
  for (const v of flagged) ctx.log(`WARNING ${v.target} ${v.query_id}: ${v.verdict}`);
  ctx.log(`run ${run.run_id}: ${samples.length.toLocaleString('en-US')} samples → ${aggregates.length} aggregate rows`);
}
