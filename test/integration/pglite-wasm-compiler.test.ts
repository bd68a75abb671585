import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The embedded engine must compile WebAssembly with TurboFan up front (lib/targets/pglite/wasm-compiler.ts).
// V8's test natives tell Liftoff code from TurboFan code; they need their own process.
const PROBE = `
import { acquireEngine } from './lib/targets/pglite/engine.ts';
// (module (func (export "f") (result i32) i32.const N)): distinct bytes per module, as V8 reuses
// the compiled code of a module whose bytes it has seen.
const module = (n) => new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,n,11]);
const isLiftoff = new Function('f', 'return %IsLiftoffFunction(f)');
// Each is called at once: V8 compiles a WebAssembly function lazily, on its first call.
const before = (await WebAssembly.instantiate(module(7))).instance.exports.f;
before();
const engine = process.env.OPEN_ENGINE ? await acquireEngine(process.env.DATA_DIR) : undefined;
const after = (await WebAssembly.instantiate(module(8))).instance.exports.f;
after();
console.log(JSON.stringify({ before: isLiftoff(before), after: isLiftoff(after) }));
await engine?.release();
`;

async function probe(openEngine: boolean, dataDir: string): Promise<{ before: boolean; after: boolean }> {
  const { stdout } = await run(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', PROBE], {
    cwd: process.cwd(),
    env: { ...process.env, DATA_DIR: dataDir, OPEN_ENGINE: openEngine ? '1' : '' },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { before: boolean; after: boolean };
}

describe('PGlite engine: WebAssembly compiled by the optimising compiler up front', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('modules compiled after the engine opens are not Liftoff code; without the engine they are', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pb-wasm-'));
    // Control: V8's default in this Node is Liftoff first, so the probe can tell the difference.
    expect(await probe(false, join(dir, 'unused'))).toEqual({ before: true, after: true });
    expect(await probe(true, join(dir, 'pglite'))).toEqual({ before: true, after: false });
  }, 90_000);
});
