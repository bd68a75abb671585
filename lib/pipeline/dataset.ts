import type { ResolvedConfig } from '../config/load.js';
import { datasetId, type DatasetSpec } from '../workload/generator.js';

export function datasetSpecOf(c: ResolvedConfig): DatasetSpec {
  return { size: c.dataset_size, dims: c.vector_dims, seed: c.seed };
}

export function datasetIdOf(c: ResolvedConfig): string {
  return datasetId(datasetSpecOf(c));
}

/** The index build parameters; part of what a seeded database must match. */
export function indexSpecOf(c: ResolvedConfig): string {
  return `hnsw(vector_cosine_ops, m=${c.hnsw.m}, ef_construction=${c.hnsw.ef_construction})`;
}

export function describeDataset(c: ResolvedConfig): string {
  return `${c.dataset_size.toLocaleString('en-US')} × ${c.vector_dims} (seed ${c.seed})`;
}
