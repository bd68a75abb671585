import type { StageContext } from '../cli/run-stage.js';
import { readAggregates } from '../store/aggregates.js';
import type { RunRow } from '../store/runs.js';
import { aggregate, selectRun } from './aggregate.js';
import { render } from './render.js';

/** The context with --run pinned to `run`, so every step works on the same run. */
export function pinRun(ctx: StageContext, run: RunRow): StageContext {
  return { ...ctx, flags: { ...ctx.flags, run: run.run_id } };
}

/**
 * Aggregate `run` when the store has no (or only pre-interval) aggregates for it; otherwise leave
 * them alone. Aggregation needs only the raw samples.
 */
export async function ensureAggregated(ctx: StageContext, run: RunRow): Promise<void> {
  const rows = await readAggregates(ctx.store, run.run_id);
  const stale = rows.some((r) => r.count > r.failed && (r.p50_low === null || r.p50_low === undefined));
  if (rows.length > 0 && !stale) return;
  ctx.log(`run ${run.run_id}: ${rows.length === 0 ? 'no aggregates yet' : 'aggregates without intervals'}; aggregating from its raw samples`);
  await aggregate(pinRun(ctx, run));
}

/**
 * report: re-render any past complete run offline — `render --run <id>`, preceded by `aggregate`
 * when its aggregates are missing. Reads only the SQLite store; reports/latest then points at it.
 */
export async function report(ctx: StageContext): Promise<void> {
  const run = await selectRun(ctx);
  const pinned = pinRun(ctx, run);
  await ensureAggregated(pinned, run);
  await render(pinned);
}
