import { readClientCapacity } from '../store/client-capacity.js';
import { readRunTargets } from '../store/run-targets.js';
import { readRunShards } from '../store/run-shards.js';
import { readShardLevels } from '../store/shard-levels.js';
import { existsSync } from 'node:fs';
import { redact } from '../config/redact.js';
import { lstat, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { StageContext } from '../cli/run-stage.js';
import type { ResolvedConfig } from '../config/load.js';
import { ConfigError, MissingInputError, errorText } from '../errors.js';
import { BELOW_SCALE_NOTE, CHARTS } from '../render/charts/index.js';
import { ChartWriter } from '../render/export-chart.js';
import { writeHtmlReport, type HtmlChart } from '../render/html/html-report.js';
import type { ReportData } from '../render/report-data.js';
import { resultsJson } from '../render/results-json.js';
import { tableText } from '../render/table.js';
import { readAggregates, readComparisons, readNoiseFlags, readOverhead, readSpectrum } from '../store/aggregates.js';
import { fingerprintsFor } from '../store/datasets.js';
import { attachRun } from '../store/stage-log.js';
import { loadGroundTruth, readVerificationSummary } from '../store/verifications.js';
import type { RunRow } from '../store/runs.js';
import { fileTruthProblem } from './ground-truth.js';
import { readSweepAggregates } from '../store/sweep.js';
import { concurrencySweepChart } from '../render/charts/concurrency-sweep.js';
import { readEfSearchAggregates } from '../store/ef-search.js';
import { RECALL_QPS_TITLE, recallQpsChart } from '../render/charts/recall-qps.js';
import { timeSeriesChart } from '../render/charts/time-series.js';
import { readTimeSeriesForChart } from '../store/time-series.js';
import { selectRun } from './aggregate.js';
import { readOpenLoopAggregates } from '../store/open-loop.js';
import { latencyVsRateChart } from '../render/charts/latency-vs-rate.js';
import { readQueryPlans } from '../store/query-plans.js';
import { readLevelClientLoads } from '../store/level-client-load.js';
import { readGcSummary } from '../store/gc-pauses.js';
import { readWarmupConvergence } from '../store/warmup-convergence.js';
import { readUnsupportedQueries } from '../store/unsupported-queries.js';

async function reportData(ctx: StageContext): Promise<ReportData> {
  const run = await selectRun(ctx);
  await attachRun(ctx.store, ctx.executionId, run.run_id);
  const aggregates = await readAggregates(ctx.store, run.run_id);
  if (aggregates.length === 0) throw new MissingInputError('render', `run ${run.run_id} has no aggregates`, 'aggregate');
  const warm = await ctx.store.get<{ n: number }>("SELECT count(*) AS n FROM samples WHERE run_id = ? AND phase = 'warmup'", [run.run_id]);
  const runTargets = new Set(JSON.parse(run.targets_json) as string[]);
  const config = JSON.parse(run.config_json) as ResolvedConfig;
  const environment = run.environment_json ? (JSON.parse(run.environment_json) as Record<string, unknown>) : {};
  return {
    run,
    // The run's own (redacted) configuration, not today's profile: a report describes what ran.
    config,
    aggregates,
    spectrum: await readSpectrum(ctx.store, run.run_id),
    fingerprints: (await fingerprintsFor(ctx.store, run.dataset_id)).filter((f) => runTargets.has(f.target)),
    environment,
    verification: await readVerificationSummary(ctx.store, run.run_id),
    comparisons: await readComparisons(ctx.store, run.run_id),
    overhead: await readOverhead(ctx.store, run.run_id),
    noise: await readNoiseFlags(ctx.store, run.run_id),
    sweep: await readSweepAggregates(ctx.store, run.run_id),
    efSearch: await readEfSearchAggregates(ctx.store, run.run_id),
    openLoop: await readOpenLoopAggregates(ctx.store, run.run_id),
    plans: await readQueryPlans(ctx.store, run.run_id),
    levelClientLoad: await readLevelClientLoads(ctx.store, run.run_id),
    clientCapacity: await readClientCapacity(ctx.store, run.run_id),
    warmupRequests: warm?.n ?? 0,
    unsupported: await readUnsupportedQueries(ctx.store, run.run_id),
    warmup: await readWarmupConvergence(ctx.store, run.run_id),
    gc: await readGcSummary(ctx.store, run.run_id, environment),
    instances: await readRunTargets(ctx.store, run.run_id),
    datasetProblem: await storedDatasetProblem(ctx, run, config),
    shards: await readRunShards(ctx.store, run.run_id),
    shardLevels: await readShardLevels(ctx.store, run.run_id),
  };
}

/**
 * The dataset problem of a file dataset whose own neighbour lists disagree with the exact top-k
 * (lib/pipeline/ground-truth.ts), read from the ground truth stored for the run's dataset.
 * Generated datasets have none.
 */
async function storedDatasetProblem(ctx: StageContext, run: RunRow, c: ResolvedConfig): Promise<string | undefined> {
  if (!c.dataset_file) return undefined;
  const gt = await loadGroundTruth(ctx.store, run.dataset_id, c.query_vector_pool, c.k);
  return gt ? fileTruthProblem(gt) : undefined;
}

/**
 * The real reason a directory cannot be created: `mkdir -p` on a read-only file system reports
 * ENOENT for the missing parent, which points at the wrong cause. A plain create in the nearest
 * existing ancestor gives EROFS or EACCES.
 */
async function whyNotWritable(dir: string, original: unknown): Promise<string> {
  let at = dir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const probe = join(at, `.pathbench-write-probe-${process.pid}`);
  try {
    await mkdir(probe);
    await rm(probe, { recursive: true, force: true });
    return errorText(original);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : errorText(err);
    return `${what} at ${at} (${code ?? 'error'})`;
  }
}

/**
 * render: reports/<run-id>/ with results.json, table.txt and every chart as .vl.json, .svg and
 * .png, from the store alone. Written to a temporary directory and renamed into place, so a
 * report directory is never partial; reports/latest then points at it.
 */
export async function render(ctx: StageContext): Promise<void> {
  const d = await reportData(ctx);
  const root = resolve(ctx.root, ctx.config.reports_dir);
  const final = join(root, d.run.run_id);
  const tmp = join(root, `.${d.run.run_id}.tmp-${process.pid}`);
  const latest = join(root, 'latest');
  // Checked before anything is written: a real directory named latest would make the final
  // rename fail (EISDIR) after the whole report was drawn.
  const existing = await lstat(latest).catch(() => undefined);
  if (existing && !existing.isSymbolicLink()) {
    throw new ConfigError([`${latest} is a ${existing.isDirectory() ? 'directory' : 'file'}, not the symlink render keeps pointing at the newest report; move it away (mv ${latest} ${latest}.old) and render again`], 'reports_dir');
  }
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true }).catch(async (err: unknown) => {
    throw new Error(`cannot create the report directory under ${root}: ${await whyNotWritable(root, err)}; set reports_dir to a writable directory`, { cause: err });
  });
  try {
    await writeFile(join(tmp, 'results.json'), JSON.stringify(resultsJson(d), null, 2) + '\n');
    const table = tableText(d);
    await writeFile(join(tmp, 'table.txt'), table);
    const input = { aggregates: d.aggregates, spectrum: d.spectrum, runId: d.run.run_id, belowProductionScale: d.run.below_production_scale === 1, partialStatus: d.run.status === 'complete' ? undefined : d.run.status };
    const charts = join(tmp, 'charts');
    await mkdir(charts);
    const specs: HtmlChart[] = [];
    const chartWriter = new ChartWriter();
    for (const chart of CHARTS) {
      const spec = chart.build(input);
      specs.push({ stem: chart.stem, title: chart.title, spec });
      await chartWriter.write(charts, chart.stem, spec);
    }
    if (d.sweep.length) {
      // Only runs with a concurrency sweep have this chart (CHARTS are drawn for every run).
      const title = 'Concurrency sweep: throughput and p99 against concurrent clients';
      const spec = concurrencySweepChart(d.sweep, { title, subtitle: [`run ${d.run.run_id}`] });
      specs.push({ stem: 'concurrency-sweep', title, spec });
      await chartWriter.write(charts, 'concurrency-sweep', spec);
    }
    if (d.efSearch.points.length) {
      // Only runs with an ef_search sweep have this chart.
      const spec = recallQpsChart(d.efSearch.points, { title: RECALL_QPS_TITLE, subtitle: [`run ${d.run.run_id}`, ...(input.belowProductionScale ? [BELOW_SCALE_NOTE] : [])], k: d.config.k });
      specs.push({ stem: 'recall-qps', title: RECALL_QPS_TITLE, spec });
      await chartWriter.write(charts, 'recall-qps', spec);
    }
    if (d.openLoop?.rows.length) {
      const title = 'Open loop: latency vs offered rate';
      const spec = latencyVsRateChart(d.openLoop.rows, { title, subtitle: [`run ${d.run.run_id}`], sloP99Ms: d.openLoop.verdicts[0]?.slo_p99_ms ?? d.config.slo_p99_ms ?? 10 });
      specs.push({ stem: 'latency-vs-rate', title, spec });
      await chartWriter.write(charts, 'latency-vs-rate', spec);
    }
    const series = await readTimeSeriesForChart(ctx.store, d.run.run_id);
    if (series.length) {
      // Runs aggregated before the time series existed have none until `make aggregate` again.
      const title = 'Stability over time: QPS and p99 per second';
      const notes = [...(input.partialStatus ? [`PARTIAL RUN (${input.partialStatus})`] : []), ...(input.belowProductionScale ? [BELOW_SCALE_NOTE] : [])];
      const spec = timeSeriesChart(series, { title, subtitle: [`run ${d.run.run_id}`, ...notes] });
      specs.push({ stem: 'time-series', title, spec });
      await chartWriter.write(charts, 'time-series', spec);
    }
    await writeHtmlReport(tmp, d, specs);
    await chartWriter.finish();
    // Keep a `make export` of this run (raw samples, not derived from the report) across re-renders.
    if (existsSync(join(final, 'export'))) await rename(join(final, 'export'), join(tmp, 'export'));
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
    process.stdout.write(redact(table));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const tmpLink = join(root, `.latest-${process.pid}`);
  await rm(tmpLink, { force: true });
  try {
    await symlink(d.run.run_id, tmpLink);
    await rename(tmpLink, latest);
  } catch (err) {
    await rm(tmpLink, { force: true });
    throw err;
  }
  ctx.log(`report written to ${final} (reports/latest → ${d.run.run_id})`);
}
