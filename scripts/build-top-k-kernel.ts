/**
 * `make kernel`: compiles lib/workload/top-k-kernel.wat into top-k-kernel.wasm with wabt (a
 * devDependency). The .wasm (~1 KB) is committed rather than compiled at load time: that would
 * make wabt a runtime dependency and add its start-up (0.7 MB of JavaScript with wabt built to
 * WebAssembly inside) to every ground-truth worker. test/unit/top-k-kernel-build.test.ts
 * recompiles and fails if the committed binary has drifted from its source. `--check` exits 1
 * instead of writing when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { PROJECT_ROOT } from '../lib/env/package-version.js';

// The sources, also when this runs compiled from build/scripts/.
export const WAT_PATH = join(PROJECT_ROOT, 'lib/workload/top-k-kernel.wat');
export const WASM_PATH = join(PROJECT_ROOT, 'lib/workload/top-k-kernel.wasm');

/** Deterministic: same .wat text → same bytes (no debug names, canonical LEBs). */
export async function compileKernel(watText: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('top-k-kernel.wat', watText, { simd: true });
  try {
    mod.validate();
    return mod.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer;
  } finally {
    mod.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const bytes = await compileKernel(readFileSync(WAT_PATH, 'utf8'));
  if (argv.includes('--check')) {
    const same = Buffer.compare(Buffer.from(bytes), readFileSync(WASM_PATH)) === 0;
    console.log(same ? 'top-k-kernel.wasm matches its .wat' : 'top-k-kernel.wasm differs from top-k-kernel.wat: run `make kernel` and commit both');
    return same ? 0 : 1;
  }
  writeFileSync(WASM_PATH, bytes);
  console.log(`wrote ${WASM_PATH} (${bytes.length} bytes)`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));
