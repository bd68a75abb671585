import type { StageContext } from '../cli/run-stage.js';
import { MissingInputError } from '../errors.js';
import { datasetIdOf, describeDataset, indexSpecOf } from './dataset.js';
import { onTarget, type OpenTarget } from './targets.js';

/** The dataset marker a seeded database carries (table pathbench_dataset). */
export async function readMarker(t: OpenTarget): Promise<{ datasetId: string; indexSpec: string } | undefined> {
  try {
    const row = (await t.session.query(t.module.dialect.read_marker)).rows[0];
    return row ? { datasetId: String(row[0]), indexSpec: String(row[1]) } : undefined;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return undefined; // never seeded
    throw err;
  }
}

/**
 * The store says what was seeded; the database must agree (its files may have been deleted or
 * reseeded by another store). Checked before any warmup or measurement.
 */
export async function requireDatabasesHoldDataset(ctx: StageContext, targets: readonly OpenTarget[]): Promise<void> {
  const dsId = datasetIdOf(ctx.config);
  const spec = indexSpecOf(ctx.config);
  const problems: string[] = [];
  for (const t of targets) {
    const m = await onTarget(t, 'the dataset check', () => readMarker(t));
    if (!m) problems.push(`${t.id}: its database holds no pathbench dataset`);
    else if (m.datasetId !== dsId || m.indexSpec !== spec) problems.push(`${t.id}: its database holds ${m.datasetId} with ${m.indexSpec}, not ${dsId} (${describeDataset(ctx.config)}) with ${spec}`);
  }
  if (problems.length) throw new MissingInputError(ctx.stage, problems.join('; '), 'seed');
}
