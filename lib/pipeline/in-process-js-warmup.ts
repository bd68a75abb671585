import { prepareCalls } from '../measure/prepare.js';
import { runPhase } from '../measure/run-phase.js';
import type { WorkloadShape } from '../workload/params.js';
import { QUERIES } from '../workload/queries.js';
import type { OpenTarget } from './targets.js';

/**
 * Iterations of the JavaScript warm-up pass per in-process target: each runs every query without a
 * query vector once, so 4 queries × 500 = 2,000 requests per target.
 */
export const JS_WARMUP_ITERATIONS = 500;

/**
 * An untimed pass that lets V8 optimise the JavaScript of an in-process engine (PGlite's
 * protocol and result code, the Emscripten glue) before the steady-state warmup, run by measure
 * only, on in-process targets only (a server's client is the measured path's own, warmed by the
 * steady-state warmup as before). Its samples are not stored.
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
 * The queries with a query vector are left out: their cost is the vector search, warmed by the
 * steady-state warmup.
 */
export async function warmInProcessJavaScript(targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape): Promise<{ requests: number; seconds: number } | null> {
  const inProcess = targets.filter((t) => t.module.capabilities.inProcess === true);
  if (inProcess.length === 0) return null;
  const queries = QUERIES.filter((q) => !q.params.includes('query_vector'));
  const prepared = prepareCalls(inProcess, pools, queries, shape, 'warmup', JS_WARMUP_ITERATIONS);
  const r = await runPhase({ runId: 'js-warmup', phase: 'warmup', queries, targets: prepared, iterations: JS_WARMUP_ITERATIONS, flush: async () => {} });
  return { requests: r.samples, seconds: r.wallNs / 1e9 };
}
