import type { StageContext } from '../cli/run-stage.js';
import { queryModeOf } from '../targets/query-mode.js';
import { progressBar } from '../cli/progress.js';
import { clientEnvironment } from '../env/fingerprint.js';
import { InterruptedError, errorText } from '../errors.js';
import { calibrateClock, emptyStatementRtt } from '../measure/calibration.js';
import { machineLoadText, watchMachineLoad } from '../measure/machine-load.js';
import { watchMachineSpeed } from '../measure/speed-probe.js';
import { machineSpeedText } from '../stats/machine-speed.js';
import { watchGc } from '../measure/gc-watch.js';
import { writeGcPauses } from '../store/gc-pauses.js';
import { clientBottleneckWarning, watchClientLoad } from '../measure/client-load.js';
import { prepareCalls } from '../measure/prepare.js';
import { runPhase } from '../measure/run-phase.js';
import { finishRun, mergeRunEnvironment, setRunEnvironment } from '../store/runs.js';
import { writeSamples, type SampleRow } from '../store/samples.js';
import { QUERIES, measuredQueries } from '../workload/queries.js';
import { recoverFromEarlierWrites, undoWrites, undoWritesAndCheck } from './write-undo.js';
import { writeVerifications } from '../store/verifications.js';
import { runVerification } from '../verify/verification-pass.js';
import { groundTruthFor } from './ground-truth.js';
import { requireDatabasesHoldDataset } from './marker.js';
import { requireSeeded, requireWarmedUp } from './requirements.js';
import { prepareSessions, workloadShape } from './session-setup.js';
import { closeSessions, onTarget } from './targets.js';
import { startRunWithSessions } from './run-start.js';
import { concurrencySweep } from './sweep.js';
import { efSearchSweep } from './ef-search-sweep.js';
import { openLoopSweep } from './open-loop.js';
import { shardLevelPlan } from './shard-level-plan.js';
import { recordClientCapacity } from './client-capacity.js';
import { recordQueryPlans } from './query-plans.js';
import { planWarnings } from '../verify/plan-warnings.js';
import { datasetIdOf } from './dataset.js';
import { datasetIsUnitNorm } from './dataset-norms.js';
import { probeQueries } from './query-probe.js';
import { warmToSteadyState } from './steady-warmup.js';
import { JS_WARMUP_BLOCK, JS_WARMUP_FALL, JS_WARMUP_MAX_BLOCKS, warmInProcessJavaScript } from './in-process-js-warmup.js';
import { queryVectorWarmupLines, warmQueryVectorPool } from './query-vector-warmup.js';
import { finishShard, prepareShard, shardIdentity, shardSkips, startShardClock } from './shard-run.js';

/**
 * measure: a new measurement run on the seeded data. Opens one session per target, records the
 * environment fingerprint, probes every query once (lib/pipeline/query-probe.ts: a query a path
 * declared and failed is skipped there from then on), runs the untimed verification pass and plan
 * capture, then a session warmup to steady state (stored as phase 'warmup'), then `iterations`
 * timed executions of every query on every target, interleaved, storing every sample.
 * The run is 'complete' only if every target finished; a lost target marks it 'failed' (exit 3).
 */
export async function measure(ctx: StageContext): Promise<void> {
  // --shard i/N: checked first (start-at not past, run id not yet in this store), before anything is written.
  const shard = await prepareShard(ctx);
  await requireSeeded(ctx);
  await requireWarmedUp(ctx);
  const c = ctx.config;
  const { runId, targets } = await startRunWithSessions(ctx, 'measure', shard?.runId);
  // The reads, plus the write category with `writes: true` (docs/writes.md): every phase below that
  // runs them is followed by their undo, and the last by a check of the dataset's fingerprint.
  const queries = measuredQueries(c);
  const writes = queries.length > QUERIES.length;
  ctx.log(
    `run ${runId}: ${c.iterations} iterations × ${queries.length} queries × ${c.targets.length} targets${writes ? ' (write category on)' : ''}` +
      (shard ? ` (shard ${shard.index}/${shard.count}: the iterations i with i mod ${shard.count} = ${shard.index - 1})` : ''),
  );
  try {
    await requireDatabasesHoldDataset(ctx, targets);
    await recoverFromEarlierWrites(ctx, targets);
    if (shard) await shardIdentity(ctx, shard, targets);
    // Session settings first, so the fingerprint shows what is in force while measuring.
    const pools = await prepareSessions(c, targets);
    const targetEnv: Record<string, Record<string, string>> = {};
    for (const t of targets) {
      const mode = queryModeOf(t);
      targetEnv[t.id] = { ...(t.type !== t.id ? { type: t.type } : {}), description: t.module.describe(t.ctx.options), ...(mode ? { query_mode: mode } : {}), ...(await onTarget(t, 'environment', () => t.module.environment(t.session, t.ctx.options))) };
    }
    const clock = calibrateClock();
    const select1: Record<string, number> = {};
    for (const t of targets) select1[t.id] = await onTarget(t, 'calibration', () => emptyStatementRtt(t.session, t.module.dialect.ping));
    const harness = { clock_resolution_ns: clock.resolution_ns, clock_reading_cost_ns: Math.round(clock.reading_cost_ns * 10) / 10, select1_p50_ms: select1 };
    ctx.log(`harness floor: clock resolution ${clock.resolution_ns} ns, one reading ${clock.reading_cost_ns.toFixed(0)} ns; SELECT 1 p50 ${Object.entries(select1).map(([t, v]) => `${t} ${v.toFixed(3)} ms`).join(', ')}`);
    await setRunEnvironment(ctx.store, runId, { client: clientEnvironment(), targets: targetEnv, hnsw_ef_search: c.hnsw.ef_search, vector_param_format: c.vector_param_format, harness });
    await recordClientCapacity(ctx, runId, targets);

    const shape = workloadShape(c);
    const flush = (rows: SampleRow[]) => writeSamples(ctx.store, rows);
    // Untimed, before every timed loop: which queries each path cannot run (skipped from here on).
    const probed = await probeQueries({ store: ctx.store, runId, targets, pools, shape, log: ctx.log, unitNorm: await datasetIsUnitNorm(ctx.store, datasetIdOf(c)), queries });
    if (writes) await undoWrites(targets, c);

    if (c.verify_queries > 0) {
      const truth = await groundTruthFor(ctx, c);
      ctx.log(`verification pass: ${c.verify_queries} executions of each query on each target (untimed)`);
      const rows = await runVerification({ runId, targets: probed, pools, shape, count: c.verify_queries, truth, queries });
      await writeVerifications(ctx.store, rows);
      if (writes) await undoWrites(targets, c);
    }

    const prepared = prepareCalls(probed, pools, queries, shape, 'measure', c.iterations);
    // Untimed, before the timed loop: the plan of each read query with its first request's
    // parameters (the reads come first in `queries`, so their call lists line up).
    const plans = await recordQueryPlans(ctx.store, { runId, scope: 'measure', efSearch: null, targets: prepared, queries: QUERIES });
    ctx.log(`query plans: ${plans.rows.length} recorded in ${plans.seconds.toFixed(2)} s (untimed)${planWarnings(plans.rows, QUERIES).map((n) => `\n  warning: ${n}`).join('')}`);
    // Session warmup to steady state (lib/measure/steady-warmup.ts), last before the timed loop:
    // a new process starts cold, and the untimed passes above (ground truth, verification, plans)
    // leave it colder — measured on config/embedded.yaml with warmup first: the first 20 timed
    // iterations of the kNN queries ran 2.1–3.4× slower (median) than the warmup's (docs/methodology.md).
    let expectedSeconds: number | undefined;
    if (c.warmup > 0 || c.warmup_max_s > 0) {
      // In-process engines: their JavaScript first (lib/pipeline/in-process-js-warmup.ts).
      const js = await warmInProcessJavaScript(probed, pools, shape);
      if (js) ctx.log(`session JavaScript warmup (in-process engines): ${js.requests.toLocaleString('en-US')} requests of the queries without a query vector in ${js.seconds.toFixed(1)} s, ${js.blocks} blocks of ${JS_WARMUP_BLOCK} iterations` +
        (js.steady ? ` (stopped when no block median fell by ${100 * JS_WARMUP_FALL}% or more)` : ` (warning: block medians still falling at the ${JS_WARMUP_MAX_BLOCKS}-block cap)`) + ' (untimed, not stored)');
      // Then every pool vector through the index kNN queries, so no measured search is the first near its vector (lib/pipeline/query-vector-warmup.ts).
      const pool = await warmQueryVectorPool(probed, pools, shape, queries);
      if (pool) for (const line of queryVectorWarmupLines(pool, shape.query_vector_pool)) ctx.log(`session ${line}`);
      const w = await warmToSteadyState({ store: ctx.store, runId, config: c, targets: probed, pools, shape, signal: ctx.signal, queries });
      for (const line of w.lines) ctx.log(`session ${line}`);
      if (writes) await undoWrites(targets, c);
      if (w.iterationSeconds > 0) expectedSeconds = w.iterationSeconds * c.iterations;
    }
    // A shard's timed loop starts at --start-at, after all its untimed preparation.
    if (shard) await startShardClock(ctx, shard);
    // The guard's histogram interval fits the phase length the warmup predicts (lib/measure/client-load.ts).
    const load = watchClientLoad(expectedSeconds ?? 0);
    // Other processes' CPU by quarter of the phase, read between groups of requests (lib/measure/machine-load.ts).
    const machine = watchMachineLoad(c.iterations);
    // The machine's own speed: a fixed CPU probe and a memory probe between groups of requests
    // (lib/measure/speed-probe.ts); filling the memory probe's buffer evicts the caches, so the
    // first iteration is re-warmed untimed (runPhase, rewarmFirst), as after every memory probe.
    const speed = watchMachineSpeed(expectedSeconds ?? 0);
    // This process's GC pauses, to tell which slow requests overlapped one (lib/measure/gc-watch.ts).
    const gc = watchGc();
    const bar = progressBar('measure', c.iterations, 'iterations');
    const r = await runPhase({
      runId, phase: 'measure', queries, targets: prepared, iterations: c.iterations, schedule: c.schedule, flush, signal: ctx.signal, rewarmFirst: true,
      ...(shard ? { shard: { index: shard.index, count: shard.count }, startAtEpochMs: shard.startAtMs } : {}),
      onIteration: (d) => {
        bar.update(d);
        machine?.at(d);
        return speed.at();
      },
    });
    bar.stop();
    const clientLoad = load.stop();
    const stopped = machine?.stop();
    const machineSpeed = speed.stop(r.originNs);
    const machineLoad = stopped && targets.some((t) => !t.module.capabilities.inProcess) ? { ...stopped, servers: true } : stopped;
    const pauses = await writeGcPauses(ctx.store, runId, 'measure', await gc.stop(), r.originNs, r.wallNs);
    if (machineLoad) ctx.log(`machine: ${machineLoadText(machineLoad)}`);
    ctx.log(`machine: ${machineSpeedText(machineSpeed)}`);
    ctx.log(`garbage collection: ${pauses} pause(s) of this process during the measured phase (untimed record)`);
    const bottleneck = clientBottleneckWarning(clientLoad, targets.every((t) => !t.module.capabilities.inProcess), r.slowestNs / 1e6);
    if (bottleneck) ctx.log(`warning: ${bottleneck}`);
    await mergeRunEnvironment(ctx.store, runId, { client_load: { ...clientLoad, warning: bottleneck ?? null }, ...(machineLoad ? { machine_load: machineLoad } : {}), machine_speed: machineSpeed, gc_recorded: true });
    for (const [key, msg] of r.firstErrors) ctx.log(`warning: ${key} failed: ${msg}`);
    // A shard runs the main loop and, with --levels-at, its share of the concurrency sweep and the open loop (docs/shards.md, "What is sharded").
    if (shard) for (const line of shardSkips(c, shard)) ctx.log(line);
    // With --levels-at, the sweep's and the open loop's levels start at instants every shard computes alike.
    const plan = shard?.levelsAtMs !== undefined ? shardLevelPlan(c, probed.length, shard.levelsAtMs) : undefined;
    const levelShard = (instants: number[]) => (shard && plan ? { index: shard.index, count: shard.count, instants } : undefined);
    if (c.concurrency.length && (!shard || plan)) await concurrencySweep(ctx, runId, probed, pools, shape, levelShard(plan?.sweep ?? []));
    if (!shard && c.ef_search.length) await efSearchSweep(ctx, runId, probed, pools, shape);
    if (c.rate.length && (!shard || plan)) await openLoopSweep(ctx, runId, probed, pools, shape, levelShard(plan?.openLoop ?? []));
    // After every phase that may write (the open loop too, if its mix holds a write query).
    if (writes) await undoWritesAndCheck(ctx, targets);
    if (shard) await finishShard(ctx, shard, targets, r.originEpochMs);
    await finishRun(ctx.store, runId, 'complete', r.wallNs);
    ctx.log(`run ${runId}: ${r.samples.toLocaleString('en-US')} requests (${r.failed} failed) in ${(r.wallNs / 1e9).toFixed(1)} s. Next: make aggregate render`);
  } catch (err) {
    await finishRun(ctx.store, runId, err instanceof InterruptedError ? 'interrupted' : 'failed', null, errorText(err));
    // Best effort: a session that is gone cannot undo; the next run recovers (recoverFromEarlierWrites).
    if (writes) await undoWrites(targets, c).catch(() => {});
    throw err;
  } finally {
    await closeSessions(targets);
  }
}
