import { describe, expect, it } from 'vitest';
import { JS_WARMUP_BLOCK, JS_WARMUP_FALL, JS_WARMUP_ITERATIONS, JS_WARMUP_MAX_BLOCKS, javaScriptWarm, warmInProcessJavaScript } from '../../lib/pipeline/in-process-js-warmup.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import type { Session } from '../../lib/targets/interface.js';
import { loadTarget } from '../../lib/targets/registry.js';
import type { WorkloadShape } from '../../lib/workload/params.js';
import { QUERIES } from '../../lib/workload/queries.js';

const shape: WorkloadShape = { seed: 1, dataset_size: 100, vector_dims: 4, k: 5, query_vector_pool: 3 };

/** The pglite module's dialect and encoders with a counting session: the pass's plumbing, no engine. */
async function target(id: string, inProcess: boolean): Promise<{ t: OpenTarget; sent: string[] }> {
  const real = await loadTarget('pglite');
  const sent: string[] = [];
  const session: Session = {
    async query(sql) {
      sent.push(sql);
      return { rowCount: 1, rows: [[1]] };
    },
    exec: async () => {},
    loadVectors: async () => {},
    loadMetadata: async () => {},
    close: async () => {},
  };
  const module = { ...real, capabilities: { ...real.capabilities, inProcess } };
  return { t: { id, type: 'pglite', module, ctx: { options: {}, root: '/' }, session }, sent };
}

describe('JavaScript warmup of in-process engines', () => {
  it('sends only the queries without a query vector, in whole blocks of 250 (at least 500, at most 2,500 each), to in-process targets only', async () => {
    const a = await target('pglite', true);
    const b = await target('server', false);
    const pools = new Map([['pglite', ['[1,0,0,0]', '[0,1,0,0]', '[0,0,1,0]']], ['server', ['[1,0,0,0]', '[0,1,0,0]', '[0,0,1,0]']]]);
    const r = await warmInProcessJavaScript([a.t, b.t], pools, shape);
    const cheap = QUERIES.filter((q) => !q.params.includes('query_vector'));
    expect(cheap.map((q) => q.id).sort()).toEqual(['join', 'simple_count', 'simple_select_all', 'simple_select_id']);
    // How many blocks depends on the counting session's own timings; the bounds and the whole blocks do not.
    expect(r!.blocks).toBeGreaterThanOrEqual(JS_WARMUP_ITERATIONS / JS_WARMUP_BLOCK);
    expect(r!.blocks).toBeLessThanOrEqual(JS_WARMUP_MAX_BLOCKS);
    if (r!.blocks < JS_WARMUP_MAX_BLOCKS) expect(r!.steady).toBe(true);
    expect(r?.requests).toBe(r!.blocks * JS_WARMUP_BLOCK * cheap.length);
    expect(a.sent).toHaveLength(r!.blocks * JS_WARMUP_BLOCK * cheap.length);
    expect(new Set(a.sent)).toEqual(new Set(cheap.map((q) => a.t.module.dialect[q.id])));
    expect(b.sent).toHaveLength(0);
  });

  it('stops only when no block median fell by 2% or more from the block before', () => {
    expect(JS_WARMUP_FALL).toBe(0.02);
    const m = (...kv: [string, number][]) => new Map(kv);
    // 100 → 98.1: fell 1.9%, steady; 100 → 97.9: fell 2.1%, not yet.
    expect(javaScriptWarm(m(['a', 100], ['b', 200]), m(['a', 98.1], ['b', 200]))).toBe(true);
    expect(javaScriptWarm(m(['a', 100], ['b', 200]), m(['a', 97.9], ['b', 200]))).toBe(false);
    // A rise is not a fall (a slower block stops the pass: the code was optimised, the machine was not).
    expect(javaScriptWarm(m(['a', 100]), m(['a', 130]))).toBe(true);
    // Every pair must be steady; a pair without a previous block is not.
    expect(javaScriptWarm(m(['a', 100], ['b', 200]), m(['a', 100], ['b', 150]))).toBe(false);
    expect(javaScriptWarm(m(['a', 100]), m(['a', 100], ['b', 150]))).toBe(false);
  });

  it('does nothing without an in-process target', async () => {
    const b = await target('server', false);
    expect(await warmInProcessJavaScript([b.t], new Map([['server', []]]), shape)).toBeNull();
    expect(b.sent).toHaveLength(0);
  });
});
