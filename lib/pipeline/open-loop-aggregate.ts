import { openLoopVerdicts, summarizeOpenLoop } from '../stats/open-loop-summary.js';
import { readOpenLoop, replaceOpenLoopAggregates } from '../store/open-loop.js';
import type { SqliteDb } from '../store/sqlite.js';

/**
 * The open-loop part of aggregate: per-level figures and SLO verdicts from the stored samples
 * only, with the SLO of the run's own configuration; per query too when the run has a rate_mix
 * (perQuery). Rewrites them; a run without open-loop
 * levels gets none.
 */
export async function aggregateOpenLoop(db: SqliteDb, runId: string, sloP99Ms: number, perQuery = false): Promise<void> {
  const { samples, levels } = await readOpenLoop(db, runId);
  const rows = summarizeOpenLoop(runId, samples, levels, perQuery);
  await replaceOpenLoopAggregates(db, runId, rows, rows.length ? openLoopVerdicts(runId, rows, sloP99Ms) : []);
}
