import type { StageContext } from '../cli/run-stage.js';
import { PathbenchError } from '../errors.js';
import { getDataset } from '../store/datasets.js';
import type { ResolvedConfig } from '../config/load.js';
import { WRITTEN_LABEL_PREFIX } from '../workload/queries.js';
import { sqlTimestampUtc } from '../workload/params.js';
import { datasetIdOf, datasetMetadataOf } from './dataset.js';
import { readBack } from './dataset-readback.js';
import { onTarget, type OpenTarget } from './targets.js';

/**
 * Undoing the write queries (docs/writes.md), so the dataset's fingerprint holds for the next run.
 * What the writes leave is recognisable without any record of the run that made it — which is what
 * lets a run recover after one that crashed mid-way:
 *  - insert_one's rows are the rows above the dataset's range (ids dataset_size + 1 …);
 *  - update_metadata's labels start with WRITTEN_LABEL_PREFIX; the dataset's own label of row id
 *    is datasetMetadataOf(config).labelOf(id): the generator's, or the file's label column;
 *  - delete_insert puts back what it deleted (its second statement); when that never ran (a
 *    failure or a crash between the two), the dataset row has no metadata row: found by
 *    missing_metadata_ids and inserted again with the dataset's own metadata, by the same
 *    statement delete_insert uses.
 * Untimed, between phases and after the last one; one target per database does it.
 */
export interface UndoCount {
  rows: number;
  labels: number;
  /** Metadata rows a half-done delete_insert left deleted, put back. */
  missing: number;
}

export async function undoWrites(targets: readonly OpenTarget[], c: ResolvedConfig): Promise<UndoCount> {
  const datasetSize = c.dataset_size;
  const meta = datasetMetadataOf(c);
  const seen = new Set<string>();
  const out: UndoCount = { rows: 0, labels: 0, missing: 0 };
  for (const t of targets) {
    const key = t.module.databaseKey(t.ctx);
    if (seen.has(key)) continue;
    seen.add(key);
    const d = t.module.dialect;
    await onTarget(t, 'undoing the write queries', async () => {
      out.rows += (await t.session.query(d.delete_written_rows, [datasetSize])).rowCount;
      const ids = (await t.session.query(d.written_label_ids, [`${WRITTEN_LABEL_PREFIX}%`])).rows.map((r) => Number(r[0]));
      for (const id of ids) await t.session.query(d.restore_label, [meta.labelOf(id), id]);
      out.labels += ids.length;
      const missing = (await t.session.query(d.missing_metadata_ids, [datasetSize])).rows.map((r) => Number(r[0]));
      for (const id of missing) {
        const m = meta.row(id);
        await t.session.query(d.delete_insert_reinsert, [id, m.label, m.category, sqlTimestampUtc(m.createdAtMs)]);
      }
      out.missing += missing.length;
    });
  }
  return out;
}

/**
 * The dataset check after the writes were undone: every target reads the dataset back through
 * its own path (row counts and chunk hashes, as seed does) and must match the fingerprint seed
 * recorded. Throws naming each target that does not, and what to do.
 */
export async function requireDatasetIntact(ctx: StageContext, targets: readonly OpenTarget[], when: string): Promise<void> {
  const c = ctx.config;
  const dsId = datasetIdOf(c);
  const expected = await getDataset(ctx.store, dsId);
  if (!expected) throw new PathbenchError(`${ctx.stage}: dataset ${dsId} is not in the store; run make seed`);
  const problems: string[] = [];
  for (const t of targets) {
    const got = await onTarget(t, 'the dataset check', () => readBack(t, c.dataset_size, c.vector_dims));
    const ok = got.rows === c.dataset_size && got.meta === c.dataset_size && got.vectorsHash === expected.vectors_hash && got.metadataHash === expected.metadata_hash;
    if (!ok) {
      problems.push(
        `${t.id}: ${got.rows} rows / ${got.meta} metadata rows, vectors ${got.vectorsHash.slice(0, 12)}…, metadata ${got.metadataHash.slice(0, 12)}…; ` +
          `expected ${c.dataset_size} rows, vectors ${expected.vectors_hash.slice(0, 12)}…, metadata ${expected.metadata_hash.slice(0, 12)}…`,
      );
    }
  }
  if (problems.length) {
    throw new PathbenchError(
      `${ctx.stage}: ${when}, the dataset no longer matches its fingerprint:\n  - ${problems.join('\n  - ')}\n` +
        'The next run would measure other data. Re-seed it: make seed ARGS=--force (docs/writes.md).',
    );
  }
}

const missingText = (u: UndoCount) => (u.missing ? `, ${u.missing} deleted metadata row(s) put back` : '');

/**
 * Before a stage measures: remove what an earlier run's writes left (it crashed or was killed
 * before undoing them), then check the dataset if anything was found. Runs whether or not this
 * run measures writes: a read-only run must not measure leftovers either.
 */
export async function recoverFromEarlierWrites(ctx: StageContext, targets: readonly OpenTarget[]): Promise<void> {
  const found = await undoWrites(targets, ctx.config);
  if (found.rows === 0 && found.labels === 0 && found.missing === 0) return;
  ctx.log(`leftovers of an earlier run's write queries removed: ${found.rows} row(s) above the dataset, ${found.labels} label(s) restored${missingText(found)}`);
  await requireDatasetIntact(ctx, targets, 'after removing an earlier run\'s leftover writes');
  ctx.log('dataset fingerprint holds again');
}

/** After a stage's last write: undo, then check; logs what was undone. */
export async function undoWritesAndCheck(ctx: StageContext, targets: readonly OpenTarget[]): Promise<void> {
  const undone = await undoWrites(targets, ctx.config);
  await requireDatasetIntact(ctx, targets, 'after undoing the write queries');
  ctx.log(`write queries undone (${undone.rows} row(s) deleted, ${undone.labels} label(s) restored${missingText(undone)}); dataset fingerprint holds on ${targets.map((t) => t.id).join(', ')}`);
}
