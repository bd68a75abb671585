import { describe, expect, it } from 'vitest';
import { JS_WARMUP_ITERATIONS, warmInProcessJavaScript } from '../../lib/pipeline/in-process-js-warmup.js';
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
  it('sends only the queries without a query vector, 500 times each, to in-process targets only', async () => {
    const a = await target('pglite', true);
    const b = await target('server', false);
    const pools = new Map([['pglite', ['[1,0,0,0]', '[0,1,0,0]', '[0,0,1,0]']], ['server', ['[1,0,0,0]', '[0,1,0,0]', '[0,0,1,0]']]]);
    const r = await warmInProcessJavaScript([a.t, b.t], pools, shape);
    const cheap = QUERIES.filter((q) => !q.params.includes('query_vector'));
    expect(cheap.map((q) => q.id).sort()).toEqual(['join', 'simple_count', 'simple_select_all', 'simple_select_id']);
    expect(r?.requests).toBe(JS_WARMUP_ITERATIONS * cheap.length);
    expect(a.sent).toHaveLength(JS_WARMUP_ITERATIONS * cheap.length);
    expect(new Set(a.sent)).toEqual(new Set(cheap.map((q) => a.t.module.dialect[q.id])));
    expect(b.sent).toHaveLength(0);
  });

  it('does nothing without an in-process target', async () => {
    const b = await target('server', false);
    expect(await warmInProcessJavaScript([b.t], new Map([['server', []]]), shape)).toBeNull();
    expect(b.sent).toHaveLength(0);
  });
});
