/**
 * A vector dataset in a file, read in row ranges so that no reader holds the whole file: seed,
 * the fingerprint and the ground truth each stream it FILE_BATCH_ROWS rows at a time.
 *
 * Rows are 0-based here; the database id of train row r is r + 1. Every reader returns float32,
 * row-major; a float64 file is narrowed to float32 (pgvector's and IRIS's element type).
 */
export interface VectorFile {
  readonly format: DatasetFormat;
  /** Rows of the train set (the corpus loaded into the databases). */
  readonly rows: number;
  readonly dims: number;
  /** Rows of the file's test set (query vectors); 0 when the file has none. */
  readonly testRows: number;
  /** Neighbours per test row in the file's own ground truth (`neighbors`); 0 when absent. */
  readonly neighborsK: number;
  /** The file's declared metric (ann-benchmarks attribute `distance`: angular, euclidean, dot), or null. */
  readonly metric: string | null;
  /** Train rows [from, to). Sequential reads are the fast path (CSV can only read forward). */
  readTrain(from: number, to: number): Promise<Float32Array>;
  readTest(from: number, to: number): Promise<Float32Array>;
  /** Neighbour lists of test rows [from, to), neighborsK each, as 0-based train row numbers. */
  readNeighbors(from: number, to: number): Promise<Int32Array>;
  /**
   * Named per-row columns of the train set besides the vector, which metadata may come from:
   * parquet and csv — the file's other columns (csv: only when the vector is one column); hdf5 —
   * 1-D root datasets of exactly `rows` elements (e.g. `label`, `category` beside `train`);
   * fvecs, npy — none.
   */
  readonly columns: readonly string[];
  /** Values of column `name` for train rows [from, to), as the file stores them (string, number, bigint; null or undefined when missing). */
  readColumn(name: string, from: number, to: number): Promise<unknown[]>;
  /** Idempotent. */
  close(): Promise<void>;
}

export const DATASET_FORMATS = ['hdf5', 'fvecs', 'npy', 'parquet', 'csv'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** Rows per read while streaming a file (a 1024-dim batch is 4 MiB). */
export const FILE_BATCH_ROWS = 1000;

/** Narrow any numeric typed array to float32 (a copy only when it is not float32 already). */
export function asFloat32(a: ArrayLike<number> | ArrayLike<bigint>): Float32Array {
  if (a instanceof Float32Array) return a;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!);
  return out;
}

export class DatasetFileError extends Error {}
