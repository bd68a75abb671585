import type { StageContext } from '../cli/run-stage.js';
import { PathbenchError, ExitCode } from '../errors.js';
import { replaceAggregates, replaceNoiseFlags } from '../store/aggregates.js';
import { noiseFlagsFromGroups } from '../stats/noise.js';
import { summarizeSweep } from '../stats/sweep-summary.js';
import { readSweep, replaceSweepAggregates } from '../store/sweep.js';
import { summarizeEfSearch } from '../stats/ef-search-summary.js';
import { readEfSearchSweep, replaceEfSearchAggregates } from '../store/ef-search.js';
import { readQueryPlans } from '../store/query-plans.js';
import { aggregateOpenLoop } from './open-loop-aggregate.js';
import { getRun, latestRun, type RunRow } from '../store/runs.js';
import { attachRun } from '../store/stage-log.js';
import { readSampleColumns } from '../store/sample-columns.js';
import { groupLatencies } from '../stats/latency-groups.js';
import { summarizeColumns } from '../stats/summarize-columns.js';
import { chartWidthS, timeSeriesColumns } from '../stats/time-series.js';
import { replaceTimeSeriesColumns } from '../store/time-series.js';
import { comparisons, gatewayOverhead, withIntervals } from '../stats/intervals.js';
import type { ResolvedConfig } from '../config/load.js';
import { stopwatch } from '../measure/stopwatch.js';
import { readVerifications, replaceVerificationSummary } from '../store/verifications.js';
import { summarizeVerifications } from '../verify/summary.js';
import { MissingInputError } from '../errors.js';
import { readUnsupportedQueries } from '../store/unsupported-queries.js';
import { withoutQueries } from '../stats/without-queries.js';
import type { MachineSpeed } from '../measure/speed-probe.js';
import { machineSpeedFrom } from '../stats/machine-speed.js';
import { readRunShards } from '../store/run-shards.js';

/**
 * The speed probe's timings of the run's measured phase (lib/measure/speed-probe.ts), or null: runs
 * before the probe, and merged shard runs (the probe timed shard 1's machine only, and the other
 * shards' samples ran elsewhere).
 */
async function machineSpeedOf(ctx: StageContext, run: RunRow): Promise<MachineSpeed | null> {
  const env = run.environment_json ? (JSON.parse(run.environment_json) as { machine_speed?: unknown }) : {};
  const speed = machineSpeedFrom(env.machine_speed);
  if (!speed) return null;
  return (await readRunShards(ctx.store, run.run_id)).length > 1 ? null : speed;
}

/** The run aggregate/render work on: --run ID, or the newest complete measurement run. */
export async function selectRun(ctx: StageContext): Promise<RunRow> {
  if (ctx.flags.run) {
    const run = await getRun(ctx.store, ctx.flags.run);
    if (!run || run.kind !== 'measure') throw new PathbenchError(`${ctx.stage}: --run ${ctx.flags.run}: no such measurement run in ${ctx.config.store}`, ExitCode.usage);
    if (run.status !== 'complete' && !ctx.flags.partial) {
      throw new PathbenchError(
        `${ctx.stage}: run ${run.run_id} is ${run.status}${run.error ? ` (${run.error})` : ''}; only complete runs are reported. ` +
          'Run `make measure` for a new one, or pass --partial to report what it measured (marked PARTIAL everywhere).',
        ExitCode.usage,
      );
    }
    return run;
  }
  const run = await latestRun(ctx.store, 'measure', ctx.flags.partial ? undefined : 'complete');
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
  const samples = await readSampleColumns(ctx.store, run.run_id, 'measure');
  if (samples.length === 0) throw new PathbenchError(`aggregate: run ${run.run_id} has no measured samples`);
  // A query some path cannot run is left out of every category and overall figure of every
  // target, so those figures (and the comparisons built on them) cover the same queries.
  const unsupported = await readUnsupportedQueries(ctx.store, run.run_id);
  const leaveOut = new Set(unsupported.map((u) => u.query_id));
  for (const u of unsupported) ctx.log(`${u.target} ${u.query_id}: not supported on this path; left out of every category and overall figure and comparison`);
  // Successful latencies grouped and sorted once, for every statistic below.
  const groups = groupLatencies(samples, leaveOut);
  const { aggregates, spectrum } = summarizeColumns(run.run_id, samples, groups, leaveOut);
  // The run's own configuration decides seeds, pairs and budget, so re-aggregating is reproducible.
  const rc = JSON.parse(run.config_json) as ResolvedConfig;
  const targets = JSON.parse(run.targets_json) as string[];
  const o = {
    runId: run.run_id, seed: run.seed, resamples: rc.bootstrap_resamples ?? 1000, targets,
    pairs: rc.gateway_pairs ?? [{ gateway: 'pglite-wire', native: 'pglite' }], budgetMs: rc.overhead_budget_ms ?? 5, leaveOut,
  };
  const w = stopwatch();
  const withCi = withIntervals(aggregates, groups, o);
  const pairs = comparisons(aggregates, groups, o);
  const overhead = gatewayOverhead(aggregates, groups, o);
  ctx.log(`bootstrap intervals (${o.resamples} resamples), ${pairs.length} pairwise comparisons, ${overhead.length} overhead rows in ${w.seconds().toFixed(1)} s`);
  await replaceAggregates(ctx.store, run.run_id, withCi, spectrum, pairs, overhead);
  await replaceNoiseFlags(ctx.store, run.run_id, noiseFlagsFromGroups(run.run_id, withCi, groups, await machineSpeedOf(ctx, run)));
  const common = withoutQueries(samples, leaveOut);
  const chartWidth = chartWidthS(common);
  await replaceTimeSeriesColumns(ctx.store, run.run_id, [...timeSeriesColumns(run.run_id, common, 1), ...(chartWidth > 1 ? timeSeriesColumns(run.run_id, common, chartWidth) : [])]);
  const sweep = await readSweep(ctx.store, run.run_id);
  await replaceSweepAggregates(ctx.store, run.run_id, summarizeSweep(run.run_id, sweep.samples, sweep.levels));
  const ef = await readEfSearchSweep(ctx.store, run.run_id);
  const efSummary = summarizeEfSearch(run.run_id, ef.samples, ef.blocks, ef.recalls, await readQueryPlans(ctx.store, run.run_id));
  await replaceEfSearchAggregates(ctx.store, run.run_id, efSummary.points, efSummary.matched);
  await aggregateOpenLoop(ctx.store, run.run_id, rc.slo_p99_ms ?? 10, rc.rate_mix !== undefined);
  const verification = summarizeVerifications(run.run_id, await readVerifications(ctx.store, run.run_id), JSON.parse(run.targets_json) as string[], rc.min_recall);
  await replaceVerificationSummary(ctx.store, run.run_id, verification);
  const flagged = verification.filter((v) => v.verdict !== 'ok');
  for (const v of flagged) ctx.log(`WARNING ${v.target} ${v.query_id}: ${v.verdict}`);
  ctx.log(`run ${run.run_id}: ${samples.length.toLocaleString('en-US')} samples → ${aggregates.length} aggregate rows`);
}
