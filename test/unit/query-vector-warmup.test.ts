import { describe, expect, it } from 'vitest';
import { poolWarmupQueries, queryVectorWarmupLines, warmQueryVectorPool } from '../../lib/pipeline/query-vector-warmup.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import type { Session } from '../../lib/targets/interface.js';
import { loadTarget } from '../../lib/targets/registry.js';
import type { WorkloadShape } from '../../lib/workload/params.js';
import { QUERIES } from '../../lib/workload/queries.js';

const shape: WorkloadShape = { seed: 1, dataset_size: 100, vector_dims: 4, k: 5, query_vector_pool: 3 };
const pool = ['[1,0,0,0]', '[0,1,0,0]', '[0,0,1,0]', '[9,9,9,9]', '[8,8,8,8]', '[7,7,7,7]'];

/** The pglite module's dialect and encoders with a recording session: the pass's plumbing, no engine. */
async function target(id: string, o: { unsupported?: string[]; fail?: string } = {}): Promise<{ t: OpenTarget; sent: { sql: string; params: readonly unknown[] }[] }> {
  const module = await loadTarget('pglite');
  const sent: { sql: string; params: readonly unknown[] }[] = [];
  const session: Session = {
    async query(sql, params) {
      sent.push({ sql, params: params ?? [] });
      if (o.fail && sql === module.dialect[o.fail as 'vector_cosine']) throw new Error('boom');
      return { rowCount: 1, rows: [[1]] };
    },
    exec: async () => {},
    loadVectors: async () => {},
    loadMetadata: async () => {},
    close: async () => {},
  };
  return { t: { id, type: 'pglite', module, ctx: { options: {}, root: '/' }, session, ...(o.unsupported ? { unsupported: new Map(o.unsupported.map((q) => [q, 'no'])) } : {}) } as OpenTarget, sent };
}

describe('query-vector warmup', () => {
  it('covers the index kNN queries, not the exact scans nor the queries without a query vector', () => {
    expect(poolWarmupQueries(QUERIES).map((q) => q.id)).toEqual(['vector_cosine', 'vector_filter']);
  });

  it('sends every pool vector exactly once per index kNN query and target, and skips what a path cannot run', async () => {
    const a = await target('a');
    const b = await target('b', { unsupported: ['vector_filter'] });
    const r = await warmQueryVectorPool([a.t, b.t], new Map([['a', pool], ['b', pool]]), shape, QUERIES);
    expect(r).toMatchObject({ requests: 3 * 2 + 3, failed: 0, queries: ['vector_cosine', 'vector_filter'], firstError: null });
    const d = a.t.module.dialect;
    for (const [sent, queries] of [[a.sent, ['vector_cosine', 'vector_filter']], [b.sent, ['vector_cosine']]] as const) {
      for (const q of queries) {
        // The query vector is bound first in both statements; each of the 3 pool vectors once, none of the write vectors.
        const vectors = sent.filter((x) => x.sql === d[q as 'vector_cosine']).map((x) => x.params[0]);
        expect(vectors).toEqual(pool.slice(0, 3));
      }
      expect(sent).toHaveLength(queries.length * 3);
    }
  });

  it('counts failures and keeps the first, without stopping', async () => {
    const a = await target('a', { fail: 'vector_cosine' });
    const r = await warmQueryVectorPool([a.t], new Map([['a', pool]]), shape, QUERIES);
    expect(r).toMatchObject({ requests: 6, failed: 3, firstError: 'a vector_cosine: boom' });
    expect(queryVectorWarmupLines(r!, 3)).toEqual([
      expect.stringMatching(/^query-vector warmup: each of the 3 pool vectors once through vector_cosine, vector_filter on every target: 6 requests in \d+\.\d s \(untimed, not stored\)$/),
      'warning: 3 of them failed (the steady-state warmup reports its own); first: a vector_cosine: boom',
    ]);
  });

  it('does nothing without an index kNN query or without a pool', async () => {
    const a = await target('a');
    expect(await warmQueryVectorPool([a.t], new Map([['a', pool]]), shape, QUERIES.filter((q) => !q.params.includes('query_vector') || q.exactScan))).toBeNull();
    expect(await warmQueryVectorPool([a.t], new Map([['a', []]]), { ...shape, query_vector_pool: 0 }, QUERIES)).toBeNull();
    expect(a.sent).toHaveLength(0);
  });
});
