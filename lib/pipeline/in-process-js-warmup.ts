import { prepareCalls } from '../measure/prepare.js';
import { runPhase } from '../measure/run-phase.js';
import type { WorkloadShape } from '../workload/params.js';
import { QUERIES } from '../workload/queries.js';
import { medianOf } from '../stats/quantile.js';
import type { OpenTarget } from './targets.js';

/**
 * The JavaScript warm-up pass per in-process target runs in blocks of JS_WARMUP_BLOCK iterations,
 * each running every query without a query vector once: at least JS_WARMUP_ITERATIONS (2 blocks,
 * 4 queries × 500 = 2,000 requests per target), then until no target × query's block median fell
 * by JS_WARMUP_FALL or more from the block before, at most JS_WARMUP_MAX_BLOCKS blocks.
 */
export const JS_WARMUP_BLOCK = 250;
export const JS_WARMUP_ITERATIONS = 2 * JS_WARMUP_BLOCK;
export const JS_WARMUP_MAX_BLOCKS = 10;
export const JS_WARMUP_FALL = 0.02;

/**
 * Whether the pass may stop: every key of `current` (target × query → block median, ns) fell by
 * less than JS_WARMUP_FALL from `previous` (a rise counts as not falling). A key missing from
 * `previous` (its first block) is not yet steady.
 */
export function javaScriptWarm(previous: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): boolean {
  for (const [key, now] of current) {
    const before = previous.get(key);
    if (before === undefined || now < before * (1 - JS_WARMUP_FALL)) return false;
  }
  return true;
}

/**
 * An untimed pass that lets V8 optimise the JavaScript of an in-process engine (PGlite's
 * protocol and result code, the Emscripten glue; for pglite-wire also the socket server and the pg
 * client) before the steady-state warmup, run by measure only, on in-process targets only (a
 * server's client is the measured path's own, warmed by the steady-state warmup as before). Its
 * samples are not stored.
 *
 * Why: V8 keeps optimising that JavaScript for thousands of requests — longer than the steady-state
 * rule (two successive windows of 20 within 3%) can see, since each window is only ~1% faster than
 * the one before. Measured on config/embedded.yaml's data (loaded machine, load average 3–8,
 * docs/methodology.md): one primary-key lookup of the same row, median per 250 executions after the
 * 40-execution minimum warmup, fell 0.59 → 0.43 → 0.29 → 0.28 ms; with `node --no-opt` (no
 * TurboFan for JavaScript) it stayed flat (0.33 ms throughout), while a larger young generation
 * (--max-semi-space-size=64) or WebAssembly compiled eagerly (--no-wasm-lazy-compilation) left the
 * fall as it was. After 2,100 requests of three *other* cheap queries, the same lookup was flat
 * from its first block (last ÷ first quarter 0.87–1.04 over 3 runs, against 0.43–0.47 without):
 * the optimised code is shared by every query, so a short pass of cheap queries warms all of them.
 * A fixed 500 iterations was not always enough for the wire path: over 4 quiet runs pglite-wire's
 * lookup still went 0.74–0.91× from the first to the last quarter of the measured phase, against
 * 0.95 and 1.02 in 2 runs after 2,500 iterations (docs/methodology.md); hence blocks until the
 * medians stop falling. The queries with a query vector are left out: their cost is the vector
 * search, warmed by the query-vector and steady-state warmups.
 */
export async function warmInProcessJavaScript(
  targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape,
): Promise<{ requests: number; seconds: number; blocks: number; steady: boolean } | null> {
  const inProcess = targets.filter((t) => t.module.capabilities.inProcess === true);
  if (inProcess.length === 0) return null;
  const queries = QUERIES.filter((q) => !q.params.includes('query_vector'));
  const prepared = prepareCalls(inProcess, pools, queries, shape, 'warmup', JS_WARMUP_BLOCK);
  let requests = 0;
  let wallNs = 0;
  let previous = new Map<string, number>();
  for (let block = 1; block <= JS_WARMUP_MAX_BLOCKS; block++) {
    const elapsed = new Map<string, number[]>();
    const r = await runPhase({
      runId: 'js-warmup', phase: 'warmup', queries, targets: prepared, iterations: JS_WARMUP_BLOCK,
      // Called after the block's last request (fewer rows than flushEvery): never inside a timed call.
      flush: async (rows) => {
        for (const row of rows) {
          if (!row.ok) continue;
          const key = `${row.target}\u0000${row.query_id}`;
          const list = elapsed.get(key);
          if (list) list.push(row.elapsed_ns);
          else elapsed.set(key, [row.elapsed_ns]);
        }
      },
    });
    requests += r.samples;
    wallNs += r.wallNs;
    const current = new Map([...elapsed].map(([k, v]) => [k, medianOf(v)]));
    if (block * JS_WARMUP_BLOCK >= JS_WARMUP_ITERATIONS && javaScriptWarm(previous, current)) return { requests, seconds: wallNs / 1e9, blocks: block, steady: true };
    previous = current;
  }
  return { requests, seconds: wallNs / 1e9, blocks: JS_WARMUP_MAX_BLOCKS, steady: false };
}
