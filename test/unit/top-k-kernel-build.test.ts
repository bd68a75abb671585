import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WASM_PATH, WAT_PATH, compileKernel } from '../../scripts/build-top-k-kernel.js';

describe('top-k-kernel.wasm', () => {
  it('is byte-identical to a fresh wabt build of top-k-kernel.wat (run `make kernel` after editing the .wat)', async () => {
    const fresh = await compileKernel(readFileSync(WAT_PATH, 'utf8'));
    expect(Buffer.from(fresh).equals(readFileSync(WASM_PATH))).toBe(true);
  });

  it('a changed source gives different bytes (the comparison above can fail)', async () => {
    const wat = readFileSync(WAT_PATH, 'utf8');
    const changed = wat.replace('(v128.load offset=48 (local.get $qp))', '(v128.load offset=32 (local.get $qp))');
    expect(changed).not.toBe(wat);
    expect(Buffer.from(await compileKernel(changed)).equals(readFileSync(WASM_PATH))).toBe(false);
  });
});
