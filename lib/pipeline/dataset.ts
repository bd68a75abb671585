import type { ResolvedConfig } from '../config/load.js';
import { datasetId, type DatasetSpec, type Distribution } from '../workload/generator.js';

export function datasetSpecOf(c: ResolvedConfig): DatasetSpec {
  return { size: c.dataset_size, dims: c.vector_dims, seed: c.seed, distribution: distributionOf(c) };
}

export function distributionOf(c: ResolvedConfig): Distribution {
  return c.distribution === 'clustered' ? { kind: 'clustered', clusters: c.clusters, spread: c.cluster_spread } : { kind: 'uniform' };
}

export function datasetIdOf(c: ResolvedConfig): string {
  return datasetId(datasetSpecOf(c));
}

/** The index build parameters; part of what a seeded database must match. */
export function indexSpecOf(c: ResolvedConfig): string {
  return `hnsw(vector_cosine_ops, m=${c.hnsw.m}, ef_construction=${c.hnsw.ef_construction})`;
}

export function describeDataset(c: ResolvedConfig): string {
  const d = c.distribution === 'clustered' ? `, clustered: ${c.clusters} centres, spread ${c.cluster_spread}` : '';
  return `${c.dataset_size.toLocaleString('en-US')} × ${c.vector_dims} (seed ${c.seed}${d})`;
}
