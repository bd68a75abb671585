import type { SqliteDb } from './sqlite.js';
import { nowIso } from './open.js';

export interface DatasetRow {
  dataset_id: string;
  generator: string;
  size: number;
  dims: number;
  seed: number;
  vectors_hash: string;
  metadata_hash: string;
}

export interface FingerprintRow {
  dataset_id: string;
  target: string;
  database_key: string;
  index_spec: string;
  row_count: number;
  metadata_count: number;
  vectors_hash: string;
  metadata_hash: string;
  matches: number;
  load_seconds: number | null;
  index_seconds: number | null;
  rows_per_second: number | null;
  /** pg_total_relation_size of the vectors table and size of the HNSW index, when the target reports them. */
  table_bytes: number | null;
  index_bytes: number | null;
  seeded_at: string;
}

export async function upsertDataset(db: SqliteDb, d: DatasetRow): Promise<void> {
  await db.run(
    `INSERT INTO datasets (dataset_id, generator, size, dims, seed, vectors_hash, metadata_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dataset_id) DO NOTHING`,
    [d.dataset_id, d.generator, d.size, d.dims, d.seed, d.vectors_hash, d.metadata_hash, nowIso()],
  );
}

export async function getDataset(db: SqliteDb, datasetId: string): Promise<DatasetRow | undefined> {
  return db.get<DatasetRow>('SELECT * FROM datasets WHERE dataset_id = ?', [datasetId]);
}

export async function writeFingerprint(db: SqliteDb, f: Omit<FingerprintRow, 'seeded_at'>): Promise<void> {
  await db.run(
    `INSERT OR REPLACE INTO dataset_fingerprints
       (dataset_id, target, database_key, index_spec, row_count, metadata_count, vectors_hash, metadata_hash,
        matches, load_seconds, index_seconds, rows_per_second, table_bytes, index_bytes, seeded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      f.dataset_id, f.target, f.database_key, f.index_spec, f.row_count, f.metadata_count, f.vectors_hash,
      f.metadata_hash, f.matches, f.load_seconds, f.index_seconds, f.rows_per_second, f.table_bytes, f.index_bytes, nowIso(),
    ],
  );
}

export async function fingerprintsFor(db: SqliteDb, datasetId: string): Promise<FingerprintRow[]> {
  return db.all<FingerprintRow>('SELECT * FROM dataset_fingerprints WHERE dataset_id = ? ORDER BY target', [datasetId]);
}
