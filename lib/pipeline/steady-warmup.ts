import type { ResolvedConfig } from '../config/load.js';
import { prepareCalls } from '../measure/prepare.js';
import { steadyWarmup } from '../measure/steady-warmup.js';
import type { SqliteDb } from '../store/sqlite.js';
import { writeSamples } from '../store/samples.js';
import { writeWarmupConvergence } from '../store/warmup-convergence.js';
import type { WorkloadShape } from '../workload/params.js';
import { QUERIES, type QueryTemplate } from '../workload/queries.js';
import type { OpenTarget } from './targets.js';

/**
 * Warmup parameters prepared per query × target: warmup cycles through them when it needs more
 * executions (its first `warmup` are the stream's first, as with the fixed count before); new row
 * ids do not cycle (prepareCalls' `unbounded`).
 */
const WARMUP_STREAM = 1000;

/**
 * Warm every query on every target to steady state (config warmup, warmup_window,
 * warmup_tolerance, warmup_max_s), storing its samples as phase 'warmup' and how each
 * query × target converged. Returns the log lines (summary first, then what did not converge) and about how long one
 * iteration of every query on every target takes once warm (s).
 */
export async function warmToSteadyState(o: {
  store: SqliteDb; runId: string; config: ResolvedConfig; targets: readonly OpenTarget[]; pools: ReadonlyMap<string, unknown[]>; shape: WorkloadShape; signal?: AbortSignal;
  /** Default: the read catalogue (measuredQueries(config) in the stages). */
  queries?: readonly QueryTemplate[];
}): Promise<{ lines: string[]; iterationSeconds: number }> {
  const c = o.config;
  const queries = o.queries ?? QUERIES;
  const stream = Math.max(c.warmup, WARMUP_STREAM);
  // Unbounded: past the stream, insert_one gets fresh ids (interleaved per target) instead of
  // cycling back to ids already inserted, which would end in a duplicate-key failure.
  const prepared = prepareCalls(o.targets, o.pools, queries, o.shape, 'warmup', stream, { unbounded: true });
  const r = await steadyWarmup({
    runId: o.runId, queries, targets: prepared, minIterations: c.warmup, window: c.warmup_window, tolerance: c.warmup_tolerance, maxSeconds: c.warmup_max_s,
    flush: (rows) => writeSamples(o.store, rows), ...(o.signal ? { signal: o.signal } : {}),
  });
  await writeWarmupConvergence(o.store, o.runId, r.outcomes);
  const notConverged = r.outcomes.filter((x) => x.converged === 0);
  const lines = [
    `warmup: ${r.samples.toLocaleString('en-US')} executions (${r.failed} failed) in ${(r.wallNs / 1e9).toFixed(1)} s; ` +
      (c.warmup_max_s === 0
        ? `fixed count of ${c.warmup} per query and target (warmup_max_s 0)`
        : `${r.outcomes.length - notConverged.length} of ${r.outcomes.length} query × target pairs steady (window medians within ${(c.warmup_tolerance * 100).toFixed(1)}%)`),
  ];
  for (const x of notConverged) lines.push(`warning: ${x.target} ${x.query_id} did not reach steady state: ${notConvergedText(x, c.warmup_max_s)}`);
  for (const [key, msg] of r.firstErrors) lines.push(`warning: ${key} failed during warmup: ${msg}`);
  return { lines, iterationSeconds: r.iterationNs / 1e9 };
}

/** "stopped at the 60 s cap after 412 executions, last change +4.1%", or the error that stopped it. */
export function notConvergedText(x: { iterations: number; last_change: number | null; stopped_by: string | null }, capS: number | undefined): string {
  const change = x.last_change === null ? '' : `, window medians last changed ${x.last_change > 0 ? '+' : ''}${(x.last_change * 100).toFixed(1)}%`;
  return x.stopped_by === 'cap' || x.stopped_by === null
    ? `stopped at the ${capS ?? '?'} s cap after ${x.iterations} executions${change}`
    : `stopped by a failure after ${x.iterations} executions: ${x.stopped_by}`;
}
