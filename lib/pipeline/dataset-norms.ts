import type { SqliteDb } from '../store/sqlite.js';
import { getDataset } from '../store/datasets.js';

/**
 * Whether a seeded dataset's vectors are all unit-length, as seed found when it fingerprinted the
 * data (lib/workload/fingerprint.ts, UNIT_NORM_TOLERANCE). Recorded as this marker at the end of
 * the dataset's `generator` text, so no store migration is needed and older stores (generator
 * data only, always unit-length) read as unit-length.
 */
export const NOT_UNIT_NORM = 'vectors=not-unit-length';

export async function datasetIsUnitNorm(db: SqliteDb, datasetId: string): Promise<boolean> {
  const row = await getDataset(db, datasetId);
  return !row?.generator.endsWith(NOT_UNIT_NORM);
}
