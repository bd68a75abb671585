import { readRunTargets, type RunTargetRow } from '../store/run-targets.js';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { redact } from '../config/redact.js';
import { join, resolve } from 'node:path';
import type { StageContext } from '../cli/run-stage.js';
import type { ResolvedConfig } from '../config/load.js';
import { ExitCode, MissingInputError, PathbenchError } from '../errors.js';
import { compareHtml, compareText, regressionLine, type CompareReport, type CompareRunSummary, type SetupDifference } from '../render/compare-report.js';
import { compareRuns, isRegression, rowName } from '../stats/run-comparison.js';
import { countSamples, previousCompleteRun } from '../store/history.js';
import { getRun, latestRun, type RunRow } from '../store/runs.js';
import { readSamples } from '../store/samples.js';
import { attachRun } from '../store/stage-log.js';
import { notSupportedText, readUnsupportedQueries } from '../store/unsupported-queries.js';

/**
 * compare: two complete measurement runs from the store alone (no database): per target × query,
 * category and overall, the change of p50/p95/p99/QPS, a bootstrap CI of the p50 ratio and a
 * Mann–Whitney verdict (lib/stats/run-comparison.ts). Writes reports/compare-<base>-vs-<head>/
 * (compare.json, compare.txt, index.html), prints compare.txt, and fails (exit 1) when --threshold
 * is given and a significant p50 slowdown exceeds it. Differences in dataset, configuration or
 * environment between the two runs are listed at the top of every output.
 */
export async function compare(ctx: StageContext): Promise<void> {
  const head = ctx.flags.head ? await measurementRun(ctx, '--head', ctx.flags.head) : await latestComplete(ctx);
  const base = ctx.flags.base ? await measurementRun(ctx, '--base', ctx.flags.base) : await previousOf(ctx, head);
  if (base.run_id === head.run_id) {
    throw new PathbenchError(`compare: --base and --head are the same run (${base.run_id}); pick two runs (\`make runs\` lists them)`, ExitCode.usage);
  }
  if (!ctx.flags.base || !ctx.flags.head) ctx.log(`comparing base ${base.run_id} with head ${head.run_id} (give BASE=… HEAD=… to choose)`);
  await attachRun(ctx.store, ctx.executionId, head.run_id);

  const [sb, sh] = [await readSamples(ctx.store, base.run_id, 'measure'), await readSamples(ctx.store, head.run_id, 'measure')];
  const baseConfig = JSON.parse(base.config_json) as Partial<ResolvedConfig>;
  // Seeded by the base run, so the same pair of runs always gives the same intervals.
  const result = compareRuns(sb, sh, { seed: base.seed, resamples: baseConfig.bootstrap_resamples ?? 1000 });
  if (result.rows.length === 0) {
    throw new PathbenchError(`compare: runs ${base.run_id} and ${head.run_id} have no target × query in common (base: ${targetsOf(base).join(', ')}; head: ${targetsOf(head).join(', ')})`, ExitCode.usage);
  }

  const threshold = ctx.flags.threshold ?? null;
  const differences = setupDifferences(base, head, await readRunTargets(ctx.store, base.run_id), await readRunTargets(ctx.store, head.run_id));
  const queryRows = result.rows.filter((r) => r.level === 'query');
  const report: CompareReport = {
    compare_id: `compare-${base.run_id}-vs-${head.run_id}`,
    base: summary(base, sb.length),
    head: summary(head, sh.length),
    threshold_pct: threshold,
    method: {
      change: 'Δ = head / base − 1, from raw samples (successful requests; percentiles by linear interpolation, QPS = requests ÷ sum of latencies)',
      p50_ratio_ci: `p50 ratio = median(head) / median(base), 95% percentile bootstrap CI, ${baseConfig.bootstrap_resamples ?? 1000} resamples, seeded`,
      verdict: 'verdict: two-sided Mann–Whitney U of head vs base, α = 0.05; "no significant difference" when p > 0.05',
      effect_size: '|ln(p50 ratio)|, the sort key within each level',
      regression: 'a row whose verdict is "slower" and whose p50 change exceeds --threshold (any level)',
    },
    same_setup: differences.length === 0,
    setup_differences: differences,
    not_compared: {
      targets_only_in_base: result.onlyInBase, targets_only_in_head: result.onlyInHead,
      queries_only_in_base: result.queriesOnlyInBase, queries_only_in_head: result.queriesOnlyInHead,
      ...(await notSupported(ctx, base, head)),
    },
    summary: {
      compared: queryRows.length,
      faster: queryRows.filter((r) => r.verdict === 'faster').length,
      slower: queryRows.filter((r) => r.verdict === 'slower').length,
      no_significant_difference: queryRows.filter((r) => r.verdict === 'no significant difference').length,
    },
    // A scope compared query by query is judged, and reported, on that change (isRegression).
    regressions: threshold === null ? [] : result.rows.filter((r) => isRegression(r, threshold)).map((r) => ({
      name: rowName(r), level: r.level, target: r.target, key: r.key,
      ...(r.by_query
        ? { p50_change_pct: r.by_query.change_pct, p50_ratio_low: r.by_query.low, mw_p: null, by_query: true }
        : { p50_change_pct: r.p50_change_pct!, p50_ratio_low: r.ratio_low, mw_p: r.mw_p }),
    })),
    rows: result.rows,
  };

  const text = compareText(report);
  const root = resolve(ctx.root, ctx.config.reports_dir);
  const final = join(root, report.compare_id);
  const tmp = join(root, `.${report.compare_id}.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, 'compare.json'), JSON.stringify(report, null, 2) + '\n');
    await writeFile(join(tmp, 'compare.txt'), text);
    await writeFile(join(tmp, 'index.html'), compareHtml(report));
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  process.stdout.write(redact(text));
  if (!report.same_setup) ctx.log(`WARNING: the two runs differ in setup (${differences.map((d) => d.field).join(', ')}); see the top of compare.txt`);
  ctx.log(`comparison written to ${final}`);
  if (threshold !== null && report.regressions.length) {
    throw new PathbenchError(
      `${report.regressions.map((r) => regressionLine(r, threshold)).join('\n')}\n(${report.regressions.length} regression(s); details in ${join(final, 'compare.txt')})`,
      ExitCode.failure,
    );
  }
}

const targetsOf = (r: RunRow) => JSON.parse(r.targets_json) as string[];

/** Queries a path could not run in either run (absent when none): never compared, said why. */
async function notSupported(ctx: StageContext, base: RunRow, head: RunRow): Promise<{ not_supported?: string[] }> {
  const lines = [
    ...(await readUnsupportedQueries(ctx.store, base.run_id)).map((u) => `${u.target}/${u.query_id} in base: ${notSupportedText(u)}`),
    ...(await readUnsupportedQueries(ctx.store, head.run_id)).map((u) => `${u.target}/${u.query_id} in head: ${notSupportedText(u)}`),
  ];
  return lines.length ? { not_supported: lines } : {};
}

async function measurementRun(ctx: StageContext, flag: string, id: string): Promise<RunRow> {
  const run = await getRun(ctx.store, id);
  if (!run) throw new PathbenchError(`compare: ${flag} ${id}: no such run in ${ctx.config.store}; \`make runs\` lists the runs`, ExitCode.usage);
  if (run.kind !== 'measure') {
    throw new PathbenchError(`compare: ${flag} ${id} is a ${run.kind} run; only measurement runs can be compared (\`make runs\` lists them, kind "measure")`, ExitCode.usage);
  }
  if (run.status !== 'complete') {
    throw new PathbenchError(
      `compare: ${flag} ${id} is ${run.status}${run.error ? ` (${run.error})` : ''}; only complete measurement runs can be compared. Pick a complete one (\`make runs\`) or run \`make measure\` for a new one.`,
      ExitCode.usage,
    );
  }
  if ((await countSamples(ctx.store, id, 'measure')) === 0) {
    throw new PathbenchError(`compare: ${flag} ${id} has no measured samples in ${ctx.config.store}; pick another run (\`make runs\`)`, ExitCode.usage);
  }
  return run;
}

async function latestComplete(ctx: StageContext): Promise<RunRow> {
  const run = await latestRun(ctx.store, 'measure', 'complete');
  if (!run) throw new MissingInputError('compare', `no complete measurement run in ${ctx.config.store}`, 'measure');
  return run;
}

async function previousOf(ctx: StageContext, head: RunRow): Promise<RunRow> {
  const run = await previousCompleteRun(ctx.store, head.run_id);
  if (!run) {
    throw new PathbenchError(
      `compare: no complete measurement run before ${head.run_id} to compare it with; give --base ID (make compare BASE=<run> HEAD=<run>; \`make runs\` lists them) or run \`make measure\` again`,
      ExitCode.usage,
    );
  }
  return run;
}

function summary(r: RunRow, measured: number): CompareRunSummary {
  const c = JSON.parse(r.config_json) as Partial<ResolvedConfig>;
  const env = r.environment_json ? (JSON.parse(r.environment_json) as { client?: { git_commit?: string } }) : {};
  return {
    run_id: r.run_id, created_at: r.created_at, profile: r.profile, dataset_id: r.dataset_id, targets: targetsOf(r),
    measured_samples: measured, below_production_scale: r.below_production_scale === 1,
    iterations: c.iterations ?? null, git_commit: env.client?.git_commit ?? null,
  };
}

/** Config keys that decide the dataset itself (flagged as "dataset" rather than "config"). */
const DATASET_KEYS = new Set(['dataset_size', 'vector_dims', 'seed', 'distribution', 'clusters', 'cluster_spread', 'scale']);
/** Where a run wrote its results, not how it measured. */
const IGNORED_CONFIG = new Set(['store', 'reports_dir']);

function leaves(v: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

function diffLeaves(a: Map<string, string>, b: Map<string, string>, keep: (key: string) => boolean): [string, string, string][] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter(keep).sort();
  return keys.flatMap((k) => (a.get(k) === b.get(k) ? [] : [[k, a.get(k) ?? '(not recorded)', b.get(k) ?? '(not recorded)'] as [string, string, string]]));
}

/**
 * Everything that differs between the two runs' setups: the dataset, the (redacted) configuration
 * and the environment fingerprint (client: Node, commit, CPU, host; each target: driver and server
 * versions, settings). The harness floor (clock, SELECT 1) is a measurement, not setup, and is left out.
 */
export function setupDifferences(base: RunRow, head: RunRow, baseTypes: readonly RunTargetRow[] = [], headTypes: readonly RunTargetRow[] = []): SetupDifference[] {
  const out: SetupDifference[] = [];
  if (base.dataset_id !== head.dataset_id) out.push({ kind: 'dataset', field: 'dataset_id', base: base.dataset_id, head: head.dataset_id });
  const cb = leaves(JSON.parse(base.config_json), '', new Map());
  const ch = leaves(JSON.parse(head.config_json), '', new Map());
  // target_types is compared below from run_targets, which has it for runs from before instances too.
  for (const [field, b, h] of diffLeaves(cb, ch, (k) => !IGNORED_CONFIG.has(k) && !k.startsWith('target_types.'))) {
    out.push({ kind: DATASET_KEYS.has(field) ? 'dataset' : 'config', field, base: b, head: h });
  }
  // The same instance name on another target type is another path: say so.
  for (const b of baseTypes) {
    const h = headTypes.find((x) => x.target === b.target);
    if (h && h.type !== b.type) out.push({ kind: 'config', field: `target_types.${b.target}`, base: b.type, head: h.type });
  }
  const shared = new Set(targetsOf(base).filter((t) => targetsOf(head).includes(t)));
  const eb = leaves(base.environment_json ? JSON.parse(base.environment_json) : {}, '', new Map());
  const eh = leaves(head.environment_json ? JSON.parse(head.environment_json) : {}, '', new Map());
  const keepEnv = (k: string) => {
    if (k.startsWith('harness.')) return false;
    // Recorded in the config as well (hnsw.ef_search, vector_param_format).
    if (k === 'hnsw_ef_search' || k === 'vector_param_format') return false;
    const m = /^targets\.([^.]+)\./.exec(k);
    return !m || shared.has(m[1]!);
  };
  for (const [field, b, h] of diffLeaves(eb, eh, keepEnv)) out.push({ kind: 'environment', field, base: b, head: h });
  const order = { dataset: 0, config: 1, environment: 2 } as const;
  return out.sort((x, y) => order[x.kind] - order[y.kind]);
}
