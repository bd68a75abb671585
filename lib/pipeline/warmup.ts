import type { StageContext } from '../cli/run-stage.js';
import { InterruptedError, errorText } from '../errors.js';
import { finishRun } from '../store/runs.js';
import { requireDatabasesHoldDataset } from './marker.js';
import { requireSeeded } from './requirements.js';
import { prepareSessions, workloadShape } from './session-setup.js';
import { closeSessions } from './targets.js';
import { startRunWithSessions } from './run-start.js';
import { datasetIdOf } from './dataset.js';
import { datasetIsUnitNorm } from './dataset-norms.js';
import { probeQueries } from './query-probe.js';
import { warmToSteadyState } from './steady-warmup.js';
import { queryVectorWarmupLines, warmQueryVectorPool } from './query-vector-warmup.js';
import { QUERIES, measuredQueries } from '../workload/queries.js';
import { recoverFromEarlierWrites, undoWrites, undoWritesAndCheck } from './write-undo.js';

/**
 * warmup: every query on every target warmed to steady state (at least `warmup` executions; see
 * lib/measure/steady-warmup.ts) on every target (but those a path cannot run, found
 * by the query probe: lib/pipeline/query-probe.ts), with their own parameter stream,
 * stored as phase 'warmup' of a run of kind 'warmup' and excluded from every metric. It warms
 * what outlives this process (server caches, the OS page cache, the data files); measure repeats
 * a session warmup because a new process starts with cold sessions.
 */
export async function warmup(ctx: StageContext): Promise<void> {
  await requireSeeded(ctx);
  const c = ctx.config;
  const { runId, targets } = await startRunWithSessions(ctx, 'warmup');
  const queries = measuredQueries(c);
  const writes = queries.length > QUERIES.length;
  try {
    await requireDatabasesHoldDataset(ctx, targets);
    await recoverFromEarlierWrites(ctx, targets);
    const pools = await prepareSessions(c, targets);
    const shape = workloadShape(c);
    // Untimed: a query a path declared it cannot run and then failed is not warmed up there either.
    const probed = await probeQueries({ store: ctx.store, runId, targets, pools, shape, log: ctx.log, unitNorm: await datasetIsUnitNorm(ctx.store, datasetIdOf(c)), queries });
    if (writes) await undoWrites(targets, c);
    const pool = await warmQueryVectorPool(probed, pools, shape, queries);
    if (pool) for (const line of queryVectorWarmupLines(pool, shape.query_vector_pool)) ctx.log(line);
    const { lines } = await warmToSteadyState({ store: ctx.store, runId, config: c, targets: probed, pools, shape, signal: ctx.signal, queries });
    for (const line of lines) ctx.log(line);
    // The write queries warm too (the warmup stage's writes are undone and checked like measure's).
    if (writes) await undoWritesAndCheck(ctx, targets);
    await finishRun(ctx.store, runId, 'complete', null);
  } catch (err) {
    await finishRun(ctx.store, runId, err instanceof InterruptedError ? 'interrupted' : 'failed', null, errorText(err));
    if (writes) await undoWrites(targets, c).catch(() => {});
    throw err;
  } finally {
    await closeSessions(targets);
  }
}
