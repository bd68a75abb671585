/**
 * `make bench-groundtruth`: exact top-10 for 1,000 query vectors over 100,000 × 1024 unit vectors,
 * computed by the project (worker threads over a SharedArrayBuffer, lib/workload/ground-truth.ts)
 * and, when python3 with numpy is present, by numpy (one matrix product + argpartition) on data
 * of the same shape on the same machine. Prints both times and their ratio (goal ≤ 3×).
 * Only the search is timed on both sides, not data generation. Flags: --dataset-size, --vector-dims.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseStageFlags } from '../lib/config/cli-flags.js';
import { stopwatch } from '../lib/measure/stopwatch.js';
import { groundTruthFromArrays } from '../lib/workload/ground-truth.js';
import { VectorSource } from '../lib/workload/generator.js';

const flags = parseStageFlags(process.argv.slice(2));
const rows = Number(flags.overrides.dataset_size ?? 100_000);
const dims = Number(flags.overrides.vector_dims ?? 1024);
const nq = 1000;
const k = 10;

const fill = (n: number, stream: string) => {
  const a = new Float32Array(new SharedArrayBuffer(n * dims * 4));
  const src = new VectorSource(42, stream, dims);
  for (let i = 0; i < n; i++) src.next(a, i * dims);
  return a;
};
process.stderr.write(`bench-groundtruth: generating ${rows.toLocaleString('en-US')} × ${dims} and ${nq} queries…\n`);
const data = fill(rows, 'dataset-vectors');
const queries = fill(nq, 'query-vectors');
const w = stopwatch();
await groundTruthFromArrays(data, rows, dims, queries, nq, k);
const js = w.seconds();
console.log(`bench-groundtruth: exact top-${k} of ${nq} queries over ${rows.toLocaleString('en-US')} × ${dims}`);
console.log(`  pathbench (${availableParallelism()} worker threads, float32, + per-category top-${k}): ${js.toFixed(2)} s`);

const py = `
import time, numpy as np
rng = np.random.default_rng(42)
X = rng.uniform(-1, 1, (${rows}, ${dims})).astype(np.float32); X /= np.linalg.norm(X, axis=1, keepdims=True)
Q = rng.uniform(-1, 1, (${nq}, ${dims})).astype(np.float32); Q /= np.linalg.norm(Q, axis=1, keepdims=True)
t = time.perf_counter()
S = Q @ X.T
top = np.argpartition(-S, ${k}, axis=1)[:, :${k}]
order = np.take_along_axis(S, top, 1).argsort(axis=1)[:, ::-1]
top = np.take_along_axis(top, order, 1)
print(time.perf_counter() - t)
`;
const r = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
if (r.status !== 0) {
  console.log(`  numpy: not available (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}); nothing to compare with`);
} else {
  const np = Number(r.stdout.trim());
  console.log(`  numpy ${spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).stdout.trim()} (BLAS matrix product, float32): ${np.toFixed(2)} s`);
  console.log(`  ratio pathbench/numpy: ${(js / np).toFixed(1)}× (goal ≤ 3×: ${js / np <= 3 ? 'met' : 'NOT met'})`);
}
