/**
 * `make bench-groundtruth`: exact top-10 for 1,000 query vectors over 100,000 × 1024 unit vectors,
 * computed by the project (lib/workload/ground-truth.ts: worker threads over a SharedArrayBuffer,
 * the WebAssembly SIMD kernel where available) and, when python3 with numpy is present, by numpy
 * (one float32 matrix product + argpartition) on data of the same shape on the same machine.
 *
 * The machine may be shared, so the two are run in alternation — pathbench, numpy, pathbench,
 * numpy … (`--iterations N` rounds, default 2) — and each round prints both times measured right
 * next to each other and their ratio (goal ≤ 3×), plus CPU seconds (less sensitive to other
 * people's load than wall time) and the load average. numpy generates its data once in a
 * long-lived python3 process and runs on request, and the worker threads are started before the
 * timer (their start-up time is printed), so only the search is timed on both sides.
 * Flags: --dataset-size, --vector-dims, --iterations.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseStageFlags } from '../lib/config/cli-flags.js';
import { processCpuSeconds } from '../lib/measure/cpu-time.js';
import { stopwatch } from '../lib/measure/stopwatch.js';
import { groundTruthFromArrays } from '../lib/workload/ground-truth.js';
import { GroundTruthPool } from '../lib/workload/ground-truth-pool.js';
import { VectorSource } from '../lib/workload/generator.js';
import { preferredKernel } from '../lib/workload/top-k-select.js';

const flags = parseStageFlags(process.argv.slice(2));
const rows = Number(flags.overrides.dataset_size ?? 100_000);
const dims = Number(flags.overrides.vector_dims ?? 1024);
const rounds = Number(flags.overrides.iterations ?? 2);
const nq = 1000;
const k = 10;

const py = `
import sys, time, numpy as np
rng = np.random.default_rng(42)
X = rng.uniform(-1, 1, (${rows}, ${dims})).astype(np.float32); X /= np.linalg.norm(X, axis=1, keepdims=True)
Q = rng.uniform(-1, 1, (${nq}, ${dims})).astype(np.float32); Q /= np.linalg.norm(Q, axis=1, keepdims=True)
print('ready', np.__version__, flush=True)
for line in sys.stdin:
    t, c = time.perf_counter(), time.process_time()
    S = Q @ X.T
    top = np.argpartition(-S, ${k}, axis=1)[:, :${k}]
    order = np.take_along_axis(S, top, 1).argsort(axis=1)[:, ::-1]
    top = np.take_along_axis(top, order, 1)
    print(time.perf_counter() - t, time.process_time() - c, flush=True)
`;

/** A python3 + numpy process answering one timed run per request, or null (with the reason). */
async function startNumpy(): Promise<{ version: string; run(): Promise<[number, number]>; close(): void } | string> {
  const child = spawn('python3', ['-c', py], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next().catch(() => ({ done: true as const, value: undefined }));
    if (r.done) throw new Error(stderr.trim().split('\n').at(-1) || 'python3 exited');
    return r.value;
  };
  child.on('error', () => undefined); // reported through `next` (stdout closes)
  try {
    const ready = await next();
    return {
      version: ready.split(' ')[1] ?? '?',
      run: async () => {
        child.stdin.write('run\n');
        const [wall, cpu] = (await next()).split(' ').map(Number);
        return [wall!, cpu!];
      },
      close: () => child.stdin.end(),
    };
  } catch (err) {
    return (err as Error).message;
  }
}

const fill = (n: number, stream: string) => {
  const a = new Float32Array(new SharedArrayBuffer(n * dims * 4));
  const src = new VectorSource(42, stream, dims);
  for (let i = 0; i < n; i++) src.next(a, i * dims);
  return a;
};
process.stderr.write(`bench-groundtruth: generating ${rows.toLocaleString('en-US')} × ${dims} and ${nq} queries (not timed)…\n`);
const numpy = await startNumpy();
const data = fill(rows, 'dataset-vectors');
const queries = fill(nq, 'query-vectors');
const kernel = preferredKernel();
// Started before the timer, as numpy's BLAS threads are (in the pipeline this start-up overlaps
// the data generation: lib/workload/ground-truth.ts).
const startup = stopwatch();
const pool = new GroundTruthPool(availableParallelism());
await pool.ready;
const startupSeconds = startup.seconds();

console.log(`bench-groundtruth: exact top-${k} of ${nq} queries over ${rows.toLocaleString('en-US')} × ${dims}, ${rounds} round(s) alternating`);
console.log(`  pathbench: ${pool.size} worker threads (started in ${startupSeconds.toFixed(2)} s, before the timer), kernel ${kernel}, + per-category top-${k}`);
console.log(typeof numpy === 'string' ? `  numpy: not available (${numpy}); nothing to compare with` : `  numpy ${numpy.version}: BLAS float32 matrix product + argpartition`);
const ratios: number[] = [];
for (let r = 1; r <= rounds; r++) {
  const load = loadavg()[0]!.toFixed(1);
  const w = stopwatch();
  const c0 = processCpuSeconds();
  await groundTruthFromArrays(data, rows, dims, queries, nq, k, pool, kernel);
  const js = w.seconds();
  const jsCpu = processCpuSeconds() - c0;
  let line = `  round ${r} (load average ${load}): pathbench ${js.toFixed(2)} s (${jsCpu.toFixed(1)} CPU s)`;
  if (typeof numpy !== 'string') {
    const [np, npCpu] = await numpy.run();
    ratios.push(js / np);
    line += `, numpy ${np.toFixed(2)} s (${npCpu.toFixed(1)} CPU s): ratio ${(js / np).toFixed(2)}× wall, ${(jsCpu / npCpu).toFixed(2)}× CPU`;
  }
  console.log(line);
}
await pool.close();
if (typeof numpy !== 'string') {
  numpy.close();
  const worst = Math.max(...ratios);
  console.log(`  worst round ratio pathbench/numpy: ${worst.toFixed(2)}× (goal ≤ 3×: ${worst <= 3 ? 'met' : 'NOT met'})`);
}
