import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import type { StageContext } from '../cli/run-stage.js';
import { readAggregates, readComparisons, readNoiseFlags, readOverhead, readSpectrum } from '../store/aggregates.js';
import { sampleBatches } from '../store/history.js';
import type { SampleRow } from '../store/samples.js';
import { attachRun } from '../store/stage-log.js';
import { readEfSearchAggregates } from '../store/ef-search.js';
import { readOpenLoopAggregates } from '../store/open-loop.js';
import type { SqliteDb } from '../store/sqlite.js';
import { readSweepAggregates } from '../store/sweep.js';
import { readVerificationSummary } from '../store/verifications.js';
import { selectRun } from './aggregate.js';
import { ensureAggregated, pinRun } from './report.js';

export const CSV_COLUMNS = ['run_id', 'target', 'query_id', 'category', 'phase', 'iteration', 'start_ns', 'elapsed_ns', 'row_count', 'ok', 'error'] as const;

/** CSV as RFC 4180 quotes it (a field holding a comma, quote, CR or LF is quoted, quotes doubled); null → empty. Lines end with \n. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const csvLine = (s: SampleRow) => CSV_COLUMNS.map((c) => csvField(s[c])).join(',') + '\n';

/**
 * Raw facts of the modes that run after the main measurement (concurrency sweep, ef_search sweep,
 * open loop), the captured query plans and the queries a path could not run: one CSV each, columns as in the store, written only
 * when the run has rows there. Fixed table names (never user input); these tables hold thousands
 * of rows, not millions.
 */
export const MODE_TABLES = ['sweep_samples', 'sweep_levels', 'ef_search_samples', 'ef_search_blocks', 'ef_search_recalls', 'open_loop_samples', 'open_loop_levels', 'query_plans', 'unsupported_queries'] as const;

async function writeModeTables(store: SqliteDb, runId: string, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const table of MODE_TABLES) {
    const rows = await store.all<Record<string, unknown>>(`SELECT * FROM ${table} WHERE run_id = ? ORDER BY rowid`, [runId]);
    if (rows.length === 0) continue;
    const columns = Object.keys(rows[0]!);
    const body = rows.map((r) => columns.map((c) => csvField(r[c])).join(',') + '\n').join('');
    await writeFile(join(dir, `${table}.csv`), columns.join(',') + '\n' + body);
    written.push(`${table}.csv (${rows.length.toLocaleString('en-US')} rows)`);
  }
  return written;
}

/**
 * export: reports/<run>/export/samples.csv (every raw sample of the run, warmup and measure, in
 * the order stored; a header row; columns as in the store's `samples` table), one CSV per
 * post-measurement mode table the run has rows in (MODE_TABLES), and aggregates.json (the run's
 * derived figures, aggregating first if needed). Reads only the SQLite store.
 */
export async function exportRun(ctx: StageContext): Promise<void> {
  const run = await selectRun(ctx);
  await attachRun(ctx.store, ctx.executionId, run.run_id);
  await ensureAggregated(pinRun(ctx, run), run);

  const dir = join(resolve(ctx.root, ctx.config.reports_dir), run.run_id);
  const final = join(dir, 'export');
  const tmp = join(dir, `.export.tmp-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const out = createWriteStream(join(tmp, 'samples.csv'));
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    let rows = 0;
    await write(CSV_COLUMNS.join(',') + '\n');
    for await (const batch of sampleBatches(ctx.store, run.run_id)) {
      await write(batch.map(csvLine).join(''));
      rows += batch.length;
    }
    out.end();
    await once(out, 'finish');

    const aggregates = {
      run: {
        run_id: run.run_id, created_at: run.created_at, finished_at: run.finished_at, profile: run.profile, dataset_id: run.dataset_id,
        targets: JSON.parse(run.targets_json) as string[], below_production_scale: run.below_production_scale === 1, wall_ns: run.wall_ns,
        config: JSON.parse(run.config_json) as unknown, environment: run.environment_json ? (JSON.parse(run.environment_json) as unknown) : null,
      },
      aggregates: await readAggregates(ctx.store, run.run_id),
      latency_spectrum: await readSpectrum(ctx.store, run.run_id),
      comparisons: await readComparisons(ctx.store, run.run_id),
      gateway_overhead: await readOverhead(ctx.store, run.run_id),
      noise_flags: await readNoiseFlags(ctx.store, run.run_id),
      verification_summary: await readVerificationSummary(ctx.store, run.run_id),
      concurrency_sweep: await readSweepAggregates(ctx.store, run.run_id),
      ef_search_sweep: await readEfSearchAggregates(ctx.store, run.run_id),
      open_loop: await readOpenLoopAggregates(ctx.store, run.run_id),
    };
    const modes = await writeModeTables(ctx.store, run.run_id, tmp);
    await writeFile(join(tmp, 'aggregates.json'), JSON.stringify(aggregates, null, 2) + '\n');
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
    ctx.log(`run ${run.run_id}: ${rows.toLocaleString('en-US')} samples → ${join(final, 'samples.csv')}; ${aggregates.aggregates.length} aggregate rows → ${join(final, 'aggregates.json')}`);
    if (modes.length) ctx.log(`run ${run.run_id}: also ${modes.join(', ')} in ${final}`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
