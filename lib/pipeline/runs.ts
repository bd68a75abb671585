import type { StageContext } from '../cli/run-stage.js';
import { redact } from '../config/redact.js';
import type { ResolvedConfig } from '../config/load.js';
import { textTable } from '../render/text-table.js';
import { listRuns, type RunListingRow } from '../store/history.js';

/** "2026-11-29T20:36:28.050Z" → "2026-11-29 20:36:28" (UTC). */
const shortDate = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '');

function scaleOf(r: RunListingRow): string {
  let c: Partial<ResolvedConfig> = {};
  try {
    c = JSON.parse(r.config_json) as Partial<ResolvedConfig>;
  } catch {
    // an unreadable config still lists the run
  }
  const size = c.dataset_size === undefined ? '?' : c.dataset_size.toLocaleString('en-US');
  return `${r.below_production_scale === 1 ? 'small' : 'production'} ${size}×${c.vector_dims ?? '?'}`;
}

/** The run table of `make runs` (also used by tests). */
export function runsTable(runs: readonly RunListingRow[]): string {
  const header = ['Run', 'Created (UTC)', 'Kind', 'Status', 'Profile', 'Targets', 'Scale', 'Samples', 'Measured', 'Aggregated'];
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = runs.map((r) => [
    r.run_id, shortDate(r.created_at), r.kind, r.status, r.profile, (JSON.parse(r.targets_json) as string[]).join(','), scaleOf(r),
    n(r.samples), n(r.measured), r.kind === 'measure' ? (r.aggregate_rows > 0 ? 'yes' : 'no') : '',
  ]);
  return textTable(header, rows, [0, 1, 2, 3, 4, 5, 6, 9]);
}

/**
 * runs: every run in the store as a table (stdout), oldest first, with failed runs' errors below.
 * Reads only the SQLite store.
 */
export async function runs(ctx: StageContext): Promise<void> {
  const all = await listRuns(ctx.store);
  if (all.length === 0) {
    process.stdout.write(`no runs in ${ctx.config.store} yet: \`make all\` (or \`make measure\` on seeded data) makes one\n`);
    return;
  }
  const out = [runsTable(all)];
  const failed = all.filter((r) => r.status === 'failed' && r.error);
  if (failed.length) out.push('', ...failed.map((r) => `${r.run_id} failed: ${r.error!.split('\n')[0]}`));
  const complete = all.filter((r) => r.kind === 'measure' && r.status === 'complete').length;
  out.push(
    '',
    `${all.length} run(s), ${complete} complete measurement run(s) in ${ctx.config.store}.`,
    'make report RUN=<id> re-renders one · make export RUN=<id> writes its samples as CSV · make compare BASE=<id> HEAD=<id> compares two',
  );
  process.stdout.write(redact(out.join('\n') + '\n'));
}
