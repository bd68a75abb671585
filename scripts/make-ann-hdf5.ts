/**
 * Write a small dataset in the ann-benchmarks HDF5 layout, with h5wasm: `train` (rows × dims
 * float32), `test` (queries × dims float32), `neighbors` (queries × k int32, 0-based, exact,
 * nearest first), `distances` (queries × k float32) and the root attribute `distance`
 * (angular | euclidean). For trying config/own-data.yaml without downloading a dataset:
 *
 *   node build/scripts/make-ann-hdf5.js --out data/demo.hdf5 [--rows 5000] [--dims 64]
 *        [--queries 100] [--k 10] [--metric angular|euclidean] [--raw-norms] [--seed 42]
 *
 * Vectors come from the project's clustered generator (unit-length); --raw-norms scales each
 * row by a seeded factor in [0.5, 2) so the file's vectors are not unit-length (as many real
 * embeddings). The whole file is built in memory: for small files (rows × dims × 4 bytes).
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { VectorSource } from '../lib/workload/generator.js';
import { computeGroundTruthFrom } from '../lib/workload/ground-truth.js';
import { SeededStream } from '../lib/workload/prng.js';

export interface AnnHdf5 {
  train: Float32Array;
  test: Float32Array;
  dims: number;
  /** 0-based train rows, queries × k. */
  neighbors: Int32Array;
  distances: Float32Array;
  k: number;
  metric: string;
}

/** Write `a` to `path` in the ann-benchmarks layout (overwrites). */
export async function writeAnnHdf5(path: string, a: AnnHdf5): Promise<void> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const f = new h5.File(path, 'w');
  try {
    f.create_dataset({ name: 'train', data: a.train, shape: [a.train.length / a.dims, a.dims], dtype: '<f4' });
    f.create_dataset({ name: 'test', data: a.test, shape: [a.test.length / a.dims, a.dims], dtype: '<f4' });
    f.create_dataset({ name: 'neighbors', data: a.neighbors, shape: [a.neighbors.length / a.k, a.k], dtype: '<i4' });
    f.create_dataset({ name: 'distances', data: a.distances, shape: [a.distances.length / a.k, a.k], dtype: '<f4' });
    f.create_attribute('distance', a.metric);
  } finally {
    f.close();
  }
}

export interface MakeOptions {
  rows: number;
  dims: number;
  queries: number;
  k: number;
  metric: 'angular' | 'euclidean';
  rawNorms: boolean;
  seed: number;
}

/** A seeded dataset with exact neighbour lists of its metric. */
export async function makeAnnDataset(o: MakeOptions): Promise<AnnHdf5> {
  const dist = { kind: 'clustered', clusters: Math.max(2, Math.round(Math.sqrt(o.rows) / 4)), spread: 0.6 } as const;
  const draw = (stream: string, n: number, scale: SeededStream | undefined) => {
    const src = new VectorSource(o.seed, stream, o.dims, dist);
    const out = new Float32Array(n * o.dims);
    for (let r = 0; r < n; r++) {
      src.next(out, r * o.dims);
      if (scale) {
        const f = 0.5 + 1.5 * scale.unit();
        for (let d = r * o.dims; d < (r + 1) * o.dims; d++) out[d] = out[d]! * f;
      }
    }
    return out;
  };
  const norms = o.rawNorms ? new SeededStream(o.seed, 'raw-norms') : undefined;
  const train = draw('dataset-vectors', o.rows, norms);
  const test = draw('query-vectors', o.queries, norms);
  const pool = Array.from({ length: o.queries }, (_, i) => test.slice(i * o.dims, (i + 1) * o.dims));
  async function* one() {
    yield { firstId: 1, count: o.rows, dims: o.dims, data: train };
  }
  const gt = await computeGroundTruthFrom(one(), o.rows, o.dims, pool, o.k, !o.rawNorms, 0);
  const lists = o.metric === 'euclidean' ? (gt.l2 ?? gt.all) : gt.all;
  const neighbors = new Int32Array(o.queries * o.k);
  const distances = new Float32Array(o.queries * o.k);
  lists.forEach((ids, q) =>
    ids.forEach((id, j) => {
      neighbors[q * o.k + j] = id - 1;
      const x = train.subarray((id - 1) * o.dims, id * o.dims);
      const y = pool[q]!;
      let dot = 0, xx = 0, yy = 0, l2 = 0;
      for (let d = 0; d < o.dims; d++) {
        dot += x[d]! * y[d]!;
        xx += x[d]! * x[d]!;
        yy += y[d]! * y[d]!;
        l2 += (x[d]! - y[d]!) ** 2;
      }
      distances[q * o.k + j] = o.metric === 'euclidean' ? Math.sqrt(l2) : 1 - dot / Math.sqrt(xx * yy);
    }),
  );
  return { train, test, dims: o.dims, neighbors, distances, k: o.k, metric: o.metric };
}

async function main(argv: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' }, rows: { type: 'string', default: '5000' }, dims: { type: 'string', default: '64' }, queries: { type: 'string', default: '100' },
      k: { type: 'string', default: '10' }, metric: { type: 'string', default: 'angular' }, 'raw-norms': { type: 'boolean', default: false }, seed: { type: 'string', default: '42' },
    },
  });
  const nums = { rows: Number(v.rows), dims: Number(v.dims), queries: Number(v.queries), k: Number(v.k), seed: Number(v.seed) };
  const bad = Object.entries(nums).filter(([key, n]) => !Number.isInteger(n) || n < (key === 'seed' ? 0 : 1));
  if (!v.out || bad.length || (v.metric !== 'angular' && v.metric !== 'euclidean') || nums.k > nums.rows) {
    console.error(`make-ann-hdf5: usage: --out FILE [--rows N] [--dims N] [--queries N] [--k N ≤ rows] [--metric angular|euclidean] [--raw-norms] [--seed N]${bad.length ? `; not a whole number ≥ 1 (seed ≥ 0): ${bad.map(([k]) => `--${k}`).join(', ')}` : ''}`);
    return 2;
  }
  const a = await makeAnnDataset({ ...nums, metric: v.metric as 'angular' | 'euclidean', rawNorms: v['raw-norms'] ?? false });
  await writeAnnHdf5(v.out, a);
  console.log(`wrote ${v.out}: train ${nums.rows} × ${nums.dims}, test ${nums.queries}, neighbors k=${nums.k} (${v.metric}${v['raw-norms'] ? ', vectors not unit-length' : ''})`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));
