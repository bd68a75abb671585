import type { StageContext } from '../cli/run-stage.js';
import { progressBar } from '../cli/progress.js';
import { InterruptedError, errorText } from '../errors.js';
import { prepareCalls } from '../measure/prepare.js';
import { runPhase } from '../measure/run-phase.js';
import { finishRun } from '../store/runs.js';
import { writeSamples } from '../store/samples.js';
import { QUERIES } from '../workload/queries.js';
import { requireDatabasesHoldDataset } from './marker.js';
import { requireSeeded } from './requirements.js';
import { prepareSessions, workloadShape } from './session-setup.js';
import { closeSessions } from './targets.js';
import { startRunWithSessions } from './run-start.js';
import { probeQueries } from './query-probe.js';

/**
 * warmup: `warmup` executions of every query on every target (but those a path cannot run, found
 * by the query probe: lib/pipeline/query-probe.ts), with their own parameter stream,
 * stored as phase 'warmup' of a run of kind 'warmup' and excluded from every metric. It warms
 * what outlives this process (server caches, the OS page cache, the data files); measure repeats
 * a session warmup because a new process starts with cold sessions.
 */
export async function warmup(ctx: StageContext): Promise<void> {
  await requireSeeded(ctx);
  const c = ctx.config;
  const { runId, targets } = await startRunWithSessions(ctx, 'warmup');
  try {
    await requireDatabasesHoldDataset(ctx, targets);
    const pools = await prepareSessions(c, targets);
    const shape = workloadShape(c);
    // Untimed: a query a path declared it cannot run and then failed is not warmed up there either.
    const probed = await probeQueries({ store: ctx.store, runId, targets, pools, shape, log: ctx.log });
    const prepared = prepareCalls(probed, pools, QUERIES, shape, 'warmup', c.warmup);
    const bar = progressBar('warmup', c.warmup, 'iterations');
    const r = await runPhase({
      runId, phase: 'warmup', queries: QUERIES, targets: prepared, iterations: c.warmup,
      flush: (rows) => writeSamples(ctx.store, rows), signal: ctx.signal, onIteration: (d) => bar.update(d),
    });
    bar.stop();
    for (const [key, msg] of r.firstErrors) ctx.log(`warning: ${key} failed during warmup: ${msg}`);
    await finishRun(ctx.store, runId, 'complete', r.wallNs);
    ctx.log(`warmup ${runId}: ${r.samples.toLocaleString('en-US')} executions (${r.failed} failed) in ${(r.wallNs / 1e9).toFixed(1)} s`);
  } catch (err) {
    await finishRun(ctx.store, runId, err instanceof InterruptedError ? 'interrupted' : 'failed', null, errorText(err));
    throw err;
  } finally {
    await closeSessions(targets);
  }
}
