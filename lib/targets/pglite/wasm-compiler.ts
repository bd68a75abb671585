import { setFlagsFromString } from 'node:v8';

/**
 * How V8 compiles PGlite's WebAssembly in this process, and the switch that makes it
 * "optimising compiler up front".
 *
 * By default V8 compiles WebAssembly with its baseline compiler (Liftoff) and re-compiles hot
 * functions with the optimising one (TurboFan) as their execution budget runs out ("dynamic
 * tiering"). For PGlite — all of PostgreSQL in one module — that tier-up went on for thousands of
 * queries, so a run that passed the steady-state warmup kept getting faster while it was timed.
 * Measured on config/embedded.yaml (10,000 × 1024, 2 cores, other work on the machine):
 * - default tiering: 9 of 16 query × target pairs carried a drift warning, every one negative
 *   (−15% to −25% from the first to the last quarter of 200 iterations);
 * - `--no-liftoff` on the same store, the next run: none of those 9; the 4 drift warnings left
 *   were the exact scans (vector_l2, vector_inner_product), +28% to +33%, as other work started
 *   on the second core (docs/methodology.md).
 * A standalone loop of one primary-key lookup: median per 300 executions 0.72 → 0.44 → 0.30 →
 * … 0.22 ms with tiering, 0.47 → 0.23 → 0.21 → … 0.17 ms with TurboFan up front.
 *
 * An application that embeds PGlite runs long enough to reach optimised code; compiling it up
 * front measures that state instead of the tier-up. The cost is start-up: PGlite.create took
 * 2.3 s instead of 1.15 s on the same machine.
 *
 * The flag is process-wide and only affects modules compiled after it is set, so it is applied
 * once, before the first PGlite instance of the process is created.
 */
export const WASM_COMPILER = 'V8 TurboFan up front (--no-liftoff)';

let applied = false;

export function optimiseWasmUpFront(): void {
  if (applied) return;
  setFlagsFromString('--no-liftoff');
  applied = true;
}
