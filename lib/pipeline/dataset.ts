import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../config/load.js';
import type { DatasetFileFacts } from '../config/dataset-file.js';
import { openVectorFile } from '../workload/dataset-files/open-file.js';
import { datasetId, vectorBatches, type DatasetSpec, type Distribution, type VectorBatch } from '../workload/generator.js';
import { queryVectorPool } from '../workload/params.js';
import { GENERATED_METADATA, rememberedFileMetadata, type DatasetMetadata } from '../workload/dataset-metadata.js';

export function datasetSpecOf(c: ResolvedConfig): DatasetSpec {
  return { size: c.dataset_size, dims: c.vector_dims, seed: c.seed, distribution: distributionOf(c) };
}

export function distributionOf(c: ResolvedConfig): Distribution {
  return c.distribution === 'clustered' ? { kind: 'clustered', clusters: c.clusters, spread: c.cluster_spread } : { kind: 'uniform' };
}

/** Bump when what a file dataset loads from the same bytes changes (part of its dataset id). */
export const FILE_DATASET_VERSION = 'file-v1';

export function datasetIdOf(c: ResolvedConfig): string {
  const f = c.dataset_file;
  if (!f) return datasetId(datasetSpecOf(c));
  // The file's bytes (sha256), and what of them is loaded: the same file with another limit is another dataset.
  // Metadata columns are part of it only when used, so a file dataset without them keeps its id.
  const meta = f.label_column || f.category_column ? { label: f.label_column ?? null, category: f.category_column ?? null } : {};
  const key = JSON.stringify({ g: FILE_DATASET_VERSION, format: f.format, sha256: f.sha256, size: c.dataset_size, dims: c.vector_dims, holdout: f.holdout, ...(Object.keys(meta).length ? { meta } : {}) });
  return `ds-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * The labels and categories of the dataset's rows: the generator's, or those of the file's columns
 * (read when the configuration was loaded: resolveDatasetFile).
 */
export function datasetMetadataOf(c: ResolvedConfig): DatasetMetadata {
  const f = c.dataset_file;
  if (!f || (!f.label_column && !f.category_column)) return GENERATED_METADATA;
  const m = rememberedFileMetadata({ path: f.path, sha256: f.sha256, label_column: f.label_column ?? null, category_column: f.category_column ?? null }, c.dataset_size);
  if (!m) throw new Error(`dataset: the metadata columns of ${f.path} were not read; load the configuration with loadConfig (lib/config/load.ts), which reads them`);
  return m;
}

/** What the `generator` column of the datasets table says for this dataset (with the file's path and hash). */
export function datasetOrigin(c: ResolvedConfig, generator: string): string {
  const f = c.dataset_file;
  if (!f) return generator;
  const meta = `${f.label_column ? ` label=${f.label_column}` : ''}${f.category_column ? ` category=${f.category_column}` : ''}`;
  return `${FILE_DATASET_VERSION} ${f.format} ${f.path} sha256=${f.sha256.join(',')}${meta}`;
}

/** The index build parameters; part of what a seeded database must match. */
export function indexSpecOf(c: ResolvedConfig): string {
  return `hnsw(vector_cosine_ops, m=${c.hnsw.m}, ef_construction=${c.hnsw.ef_construction})`;
}

export function describeDataset(c: ResolvedConfig): string {
  const f = c.dataset_file;
  if (f) {
    const cols = [f.label_column && `labels from \`${f.label_column}\``, f.category_column && `${f.categories?.length ?? '?'} categories from \`${f.category_column}\``].filter(Boolean);
    return `${c.dataset_size.toLocaleString('en-US')} × ${c.vector_dims} from ${f.format} ${f.path} (sha256 ${f.sha256[0]!.slice(0, 12)}…${cols.length ? `; ${cols.join(', ')}` : ''})`;
  }
  const d = c.distribution === 'clustered' ? `, clustered: ${c.clusters} centres, spread ${c.cluster_spread}` : '';
  return `${c.dataset_size.toLocaleString('en-US')} × ${c.vector_dims} (seed ${c.seed}${d})`;
}

/**
 * The corpus in id order, `batchSize` rows at a time: the generator's, or the file's first
 * dataset_size rows read one batch at a time (the file is never held whole). The file is opened
 * by the first read and closed when the iteration ends, however it ends.
 */
export async function* datasetBatches(c: ResolvedConfig, batchSize: number): AsyncGenerator<VectorBatch> {
  const f = c.dataset_file;
  if (!f) {
    yield* vectorBatches(datasetSpecOf(c), batchSize);
    return;
  }
  const file = await openVectorFile(f);
  try {
    for (let first = 1; first <= c.dataset_size; first += batchSize) {
      const count = Math.min(batchSize, c.dataset_size - first + 1);
      yield { firstId: first, count, dims: c.vector_dims, data: await file.readTrain(first - 1, first - 1 + count) };
    }
  } finally {
    await file.close();
  }
}

/**
 * The query-vector pool: the generator's own stream, or the file's first query_vector_pool test
 * vectors, or — a file without a test set — its last query_vector_pool rows, which are then not
 * loaded (held out, as ann-benchmarks splits a corpus).
 */
export async function queryPoolOf(c: ResolvedConfig): Promise<Float32Array[]> {
  const f = c.dataset_file;
  if (!f) return queryVectorPool({ seed: c.seed, dataset_size: c.dataset_size, vector_dims: c.vector_dims, k: c.k, query_vector_pool: c.query_vector_pool, distribution: distributionOf(c) });
  const file = await openVectorFile(f);
  try {
    const n = c.query_vector_pool;
    const flat = f.test_rows > 0 ? await file.readTest(0, n) : await file.readTrain(f.rows_in_file - f.holdout, f.rows_in_file - f.holdout + n);
    return Array.from({ length: n }, (_, i) => flat.slice(i * c.vector_dims, (i + 1) * c.vector_dims));
  } finally {
    await file.close();
  }
}

/**
 * The file's own neighbour lists of the pool's query vectors, as 1-based ids, first k of each;
 * undefined when it has none. A listed row beyond dataset_size (dataset.limit) is not in the
 * database: the caller compares such lists with care (see ground-truth.ts).
 */
export async function fileNeighborsOf(c: ResolvedConfig): Promise<{ metric: string; lists: number[][] } | undefined> {
  const f: DatasetFileFacts | undefined = c.dataset_file;
  if (!f || f.neighbors_k === 0 || f.test_rows === 0) return undefined;
  const file = await openVectorFile(f);
  try {
    const n = c.query_vector_pool;
    const flat = await file.readNeighbors(0, n);
    const k = Math.min(c.k, f.neighbors_k);
    return { metric: f.neighbors_metric ?? 'angular', lists: Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * f.neighbors_k, i * f.neighbors_k + k), (r) => r + 1)) };
  } finally {
    await file.close();
  }
}
