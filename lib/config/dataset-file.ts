import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { fileSha256, openVectorFile, type DatasetFileSpec } from '../workload/dataset-files/open-file.js';
import { DatasetFileError, type DatasetFormat } from '../workload/dataset-files/vector-file.js';
import { readMetadataColumns } from '../workload/dataset-files/metadata-columns.js';
import { fileMetadata, rememberFileMetadata, type FileMetadataKey } from '../workload/dataset-metadata.js';
import type { ResolvedConfig } from './load.js';
import { PRODUCTION_MAX_ROWS, PRODUCTION_MIN_ROWS } from './schema.js';

/**
 * What a run records about a file dataset (in the run's config, so `make runs` / results.json
 * show which file, and which bytes, a run measured).
 */
export interface DatasetFileFacts extends DatasetFileSpec {
  /** sha256 of the corpus file's bytes, then of the test and neighbour files when given. */
  sha256: string[];
  bytes: number;
  rows_in_file: number;
  dims: number;
  /** Rows of the file's test set; 0 = none, the last query_vector_pool rows are held out instead. */
  test_rows: number;
  /** Rows at the end of the corpus held out as query vectors (0 with a test set). */
  holdout: number;
  neighbors_k: number;
  /** Metric of the file's neighbour lists (angular | euclidean | dot), or null without lists. */
  neighbors_metric: string | null;
  /** The column labels come from, or null: generated (`vector_<id>`). Absent in runs recorded before metadata columns. */
  label_column?: string | null;
  /** The column categories come from, or null: generated (`category_<id mod 10>`). */
  category_column?: string | null;
  /** The file's categories (sorted), when they come from a column: what vector_filter draws from. */
  categories?: string[] | null;
}

/**
 * Open the configured file once, at the stage boundary: its shape becomes dataset_size and
 * vector_dims (so everything downstream — table DDL, parameter streams, ground truth — works as
 * with the generator), its bytes' sha256 becomes part of the dataset id. Every problem is a
 * ConfigError (exit 2) naming the file.
 */
export async function resolveDatasetFile(c: ResolvedConfig): Promise<ResolvedConfig> {
  if (!c.dataset) return c;
  const d = c.dataset;
  const spec: DatasetFileSpec = {
    format: d.format as DatasetFormat, path: resolve(d.path), vector_column: d.vector_column,
    ...(d.test_path ? { test_path: resolve(d.test_path) } : {}),
    ...(d.neighbors_path ? { neighbors_path: resolve(d.neighbors_path) } : {}),
  };
  let facts: DatasetFileFacts;
  let columns: readonly string[] = [];
  try {
    const f = await openVectorFile(spec);
    columns = f.columns;
    try {
      const hashes = await Promise.all([spec.path, spec.test_path, spec.neighbors_path].filter((p): p is string => !!p).map(fileSha256));
      const holdout = f.testRows > 0 ? 0 : c.query_vector_pool;
      facts = {
        ...spec, sha256: hashes.map((h) => h.sha256), bytes: hashes[0]!.bytes, rows_in_file: f.rows, dims: f.dims, test_rows: f.testRows, holdout,
        neighbors_k: f.neighborsK, neighbors_metric: f.neighborsK > 0 ? (d.neighbors_metric ?? f.metric ?? 'angular') : null,
      };
    } finally {
      await f.close();
    }
  } catch (err) {
    const why = err instanceof DatasetFileError ? err.message : `${spec.path}: ${(err as Error).message}`;
    // A missing file: say how to get one (the shipped profile names the demo file).
    const hint = (err as NodeJS.ErrnoException).code === 'ENOENT' || /ENOENT/.test(why) ? ' — make the demo file with `make demo-hdf5`, or point DATASET=<file> (--dataset-path) at your own' : '';
    throw new ConfigError([`dataset: ${why}${hint}`], c.source);
  }
  const problems: string[] = [];
  const available = facts.rows_in_file - facts.holdout;
  const size = Math.min(available, d.limit ?? PRODUCTION_MAX_ROWS);
  if (available <= 0) problems.push(`dataset: ${facts.path} has ${facts.rows_in_file} rows and no test set; at least query_vector_pool (${c.query_vector_pool}) + 1 are needed (the last ${c.query_vector_pool} are held out as query vectors)`);
  if (d.limit === undefined && available > PRODUCTION_MAX_ROWS) problems.push(`dataset: ${facts.path} has ${available.toLocaleString('en-US')} rows, above ${PRODUCTION_MAX_ROWS.toLocaleString('en-US')}; set dataset.limit to load the first ${PRODUCTION_MAX_ROWS.toLocaleString('en-US')} or fewer`);
  if (c.scale === 'production' && size < PRODUCTION_MIN_ROWS) problems.push(`dataset: ${facts.path} gives ${size.toLocaleString('en-US')} rows, below production scale (${PRODUCTION_MIN_ROWS.toLocaleString('en-US')}); set \`scale: small\` (--scale small) to run it as a demo`);
  if (facts.test_rows > 0 && facts.test_rows < c.query_vector_pool) problems.push(`query_vector_pool: ${c.query_vector_pool} exceeds the ${facts.test_rows} test vectors of ${facts.path}; set query_vector_pool ≤ ${facts.test_rows}`);
  if (c.k > size) problems.push(`k: ${c.k} exceeds the ${size} rows loaded from ${facts.path}`);
  if (facts.dims > 16_000) problems.push(`dataset: ${facts.path} has ${facts.dims} dimensions; at most 16,000 are supported`);
  if (problems.length) throw new ConfigError(problems, c.source);
  // Metadata columns: as configured, else `label` / `category` when the file has them; false = generated.
  const pick = (key: string | false | undefined, name: string): string | null => (key === false ? null : key ?? (columns.includes(name) ? name : null));
  facts.label_column = pick(d.label_column, 'label');
  facts.category_column = pick(d.category_column, 'category');
  facts.categories = null;
  if (facts.label_column !== null || facts.category_column !== null) {
    try {
      const f = await openVectorFile(spec);
      try {
        const m = await readMetadataColumns(f, spec.path, size, facts.label_column, facts.category_column);
        facts.categories = m.categories?.names ?? null;
        rememberFileMetadata(facts as FileMetadataKey, size, fileMetadata(m.labels, m.categories));
      } finally {
        await f.close();
      }
    } catch (err) {
      throw new ConfigError([`dataset: ${err instanceof DatasetFileError ? err.message : `${spec.path}: ${(err as Error).message}`}`], c.source);
    }
  }
  return { ...c, dataset_size: size, vector_dims: facts.dims, dataset_file: facts };
}
