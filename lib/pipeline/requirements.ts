import type { StageContext } from '../cli/run-stage.js';
import { MissingInputError } from '../errors.js';
import { fingerprintsFor } from '../store/datasets.js';
import { latestRun, type RunRow } from '../store/runs.js';
import { latestExecution } from '../store/stage-log.js';
import { datasetIdOf, describeDataset, indexSpecOf } from './dataset.js';

/**
 * What each stage needs from the stages before it. A missing input fails with a message that
 * names the stage to run first (exit 2).
 */
export async function requireValidated(ctx: StageContext): Promise<void> {
  const last = await latestExecution(ctx.store, 'validate');
  if (!last) throw new MissingInputError(ctx.stage, 'no target has been validated yet', 'validate');
  if (last.status !== 'ok') throw new MissingInputError(ctx.stage, `the last validate (execution ${last.id}) failed: ${last.error ?? 'unknown error'}`, 'validate');
  const rows = await ctx.store.all<{ target: string; ok: number }>('SELECT target, ok FROM validations WHERE execution_id = ?', [last.id]);
  const ok = new Set(rows.filter((r) => r.ok).map((r) => r.target));
  const missing = ctx.config.targets.filter((t) => !ok.has(t));
  if (missing.length) throw new MissingInputError(ctx.stage, `target(s) ${missing.join(', ')} were not part of the last successful validate`, 'validate');
}

export async function requireSeeded(ctx: StageContext): Promise<void> {
  const dsId = datasetIdOf(ctx.config);
  const spec = indexSpecOf(ctx.config);
  const fps = new Map((await fingerprintsFor(ctx.store, dsId)).map((f) => [f.target, f]));
  const problems: string[] = [];
  for (const t of ctx.config.targets) {
    const f = fps.get(t);
    if (!f) problems.push(`${t} does not hold dataset ${dsId} (${describeDataset(ctx.config)})`);
    else if (!f.matches) problems.push(`${t}: the data read back did not match the generator at the last seed`);
    else if (f.index_spec !== spec) problems.push(`${t} was indexed with ${f.index_spec}, the config asks for ${spec}`);
  }
  if (problems.length) throw new MissingInputError(ctx.stage, problems.join('; '), 'seed');
}

export async function requireWarmedUp(ctx: StageContext): Promise<RunRow> {
  const dsId = datasetIdOf(ctx.config);
  const run = await latestRun(ctx.store, 'warmup', 'complete', dsId);
  if (!run) throw new MissingInputError(ctx.stage, `no completed warmup on dataset ${dsId} (${describeDataset(ctx.config)})`, 'warmup');
  const warmed = new Set(JSON.parse(run.targets_json) as string[]);
  const missing = ctx.config.targets.filter((t) => !warmed.has(t));
  if (missing.length) throw new MissingInputError(ctx.stage, `target(s) ${missing.join(', ')} were not warmed up (last warmup ${run.run_id})`, 'warmup');
  return run;
}
