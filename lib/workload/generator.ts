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

/**
 * `uniform`: components uniform in [-1, 1], then normalised — the worst case for HNSW.
 * `clustered`: a Gaussian mixture shaped more like real embeddings — `clusters` centres (uniform
 * unit vectors from their own stream); each vector is a centre (picked uniformly) plus isotropic
 * Gaussian noise of total norm ≈ `spread`, then normalised. Query vectors come from the same
 * mixture (different draws), as real queries resemble the corpus.
 */
export type Distribution = { kind: 'uniform' } | { kind: 'clustered'; clusters: number; spread: number };

export interface DatasetSpec {
  size: number;
  dims: number;
  seed: number;
  distribution?: Distribution;
}

export function datasetId(spec: DatasetSpec): string {
  const d = spec.distribution;
  // Uniform keeps the original key, so datasets seeded before distributions existed keep their id.
  const key = JSON.stringify({
    g: GENERATOR_VERSION, size: spec.size, dims: spec.dims, seed: spec.seed,
    ...(d && d.kind === 'clustered' ? { dist: d } : {}),
  });
  return `ds-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Draws unit vectors from a distribution; one instance per stream. */
export class VectorSource {
  readonly #rng: SeededStream;
  readonly #centres: Float32Array[] = [];
  constructor(
    seed: number,
    stream: string,
    private readonly dims: number,
    private readonly distribution: Distribution = { kind: 'uniform' },
  ) {
    this.#rng = new SeededStream(seed, stream);
    if (distribution.kind === 'clustered') {
      const centreRng = new SeededStream(seed, 'cluster-centres');
      for (let c = 0; c < distribution.clusters; c++) {
        const v = new Float32Array(dims);
        fillUnitVector(centreRng, v, 0, dims);
        this.#centres.push(v);
      }
    }
  }

  /** Write the next vector into out[offset .. offset+dims). */
  next(out: Float32Array, offset: number): void {
    const d = this.distribution;
    if (d.kind === 'uniform') return fillUnitVector(this.#rng, out, offset, this.dims);
    const centre = this.#centres[this.#rng.int(0, d.clusters - 1)]!;
    const sigma = d.spread / Math.sqrt(this.dims);
    const tmp = new Float64Array(this.dims);
    let norm = 0;
    for (let i = 0; i < this.dims; i++) {
      const x = centre[i]! + sigma * this.#gaussian();
      tmp[i] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < this.dims; i++) out[offset + i] = tmp[i]! / norm;
  }

  /** Standard normal by Box–Muller (one value per call; the second is discarded for simplicity). */
  #gaussian(): number {
    const u1 = 1 - this.#rng.unit(); // (0, 1]
    const u2 = this.#rng.unit();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
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
  const source = new VectorSource(spec.seed, 'dataset-vectors', spec.dims, spec.distribution);
  for (let first = 1; first <= spec.size; first += batchSize) {
    const count = Math.min(batchSize, spec.size - first + 1);
    const data = new Float32Array(count * spec.dims);
    for (let r = 0; r < count; r++) source.next(data, r * spec.dims);
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
