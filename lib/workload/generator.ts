import { createHash } from 'node:crypto';
import { SeededStream } from './prng.js';

/**
 * The deterministic dataset generator. Row `id` (1-based) holds a vector whose components are
 * uniform in [-1, 1] and which is then L2-normalised (in float64, stored as float32). Metadata of
 * row id: label `vector_<id>`, category `category_<id mod 10>`, created_at = EPOCH + id seconds.
 *
 * Bump GENERATOR_VERSION whenever the produced values change: it is part of the dataset id, so
 * stored fingerprints of an older generator never match by accident.
 */
export const GENERATOR_VERSION = 'uniform-l2norm-v1';
export const CREATED_AT_EPOCH_MS = Date.UTC(2025, 0, 1);
export const CATEGORY_COUNT = 10;

export interface DatasetSpec {
  size: number;
  dims: number;
  seed: number;
}

export function datasetId(spec: DatasetSpec): string {
  const key = JSON.stringify({ g: GENERATOR_VERSION, size: spec.size, dims: spec.dims, seed: spec.seed });
  return `ds-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Fill `out` with one L2-normalised vector drawn from `rng`. */
export function fillUnitVector(rng: SeededStream, out: Float32Array, offset: number, dims: number): void {
  const tmp = new Float64Array(dims);
  let norm = 0;
  for (let d = 0; d < dims; d++) {
    const x = rng.symmetric();
    tmp[d] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) out[offset + d] = tmp[d]! / norm;
}

export interface VectorBatch {
  /** id of the first row in this batch (1-based). */
  firstId: number;
  count: number;
  dims: number;
  /** count × dims float32, row-major. */
  data: Float32Array;
}

/**
 * Rows in id order, `batchSize` at a time. One sequential stream: batch n can only be produced
 * after batches 0..n-1, which is what seeding and fingerprinting need.
 */
export function* vectorBatches(spec: DatasetSpec, batchSize: number): Generator<VectorBatch> {
  const rng = new SeededStream(spec.seed, 'dataset-vectors');
  for (let first = 1; first <= spec.size; first += batchSize) {
    const count = Math.min(batchSize, spec.size - first + 1);
    const data = new Float32Array(count * spec.dims);
    for (let r = 0; r < count; r++) fillUnitVector(rng, data, r * spec.dims, spec.dims);
    yield { firstId: first, count, dims: spec.dims, data };
  }
}

export interface MetadataRow {
  vectorId: number;
  label: string;
  category: string;
  createdAtMs: number;
}

export function metadataFor(id: number): MetadataRow {
  return {
    vectorId: id,
    label: `vector_${id}`,
    category: `category_${id % CATEGORY_COUNT}`,
    createdAtMs: CREATED_AT_EPOCH_MS + id * 1000,
  };
}
