import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/load.js';
import { bindLogical, prepareCalls } from '../../lib/measure/prepare.js';
import { steadyWarmup } from '../../lib/measure/steady-warmup.js';
import type { Session } from '../../lib/targets/interface.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import { dialect as pglite } from '../../lib/targets/pglite/dialect.js';
import { newRowId, paramSequence, queryVectorPool, writeVectorPool, type WorkloadShape } from '../../lib/workload/params.js';
import { WRITE_QUERIES, WRITTEN_LABEL_PREFIX, queryById } from '../../lib/workload/queries.js';

/**
 * The write queries' parameters (docs/writes.md): seeded like every stream, the same logical
 * sequence for every path, new ids above the dataset and distinct per target (pglite and
 * pglite-wire share one database), labels the undo recognises.
 */
const shape: WorkloadShape = { seed: 42, dataset_size: 1000, vector_dims: 8, k: 5, query_vector_pool: 10 };

describe('write parameters', () => {
  it('are the catalogue templates of category write, in catalogue order', () => {
    expect(WRITE_QUERIES.map((q) => [q.id, q.category, q.params])).toEqual([
      ['insert_one', 'write', ['new_row_id', 'new_vector']],
      ['update_metadata', 'write', ['new_label', 'row_id']],
      ['delete_insert', 'write', ['row_id', 'row_label', 'row_category', 'row_created_at']],
    ]);
    expect(queryById('delete_insert').category).toBe('write');
  });

  it('are seeded: the same sequence twice, another for another phase', () => {
    for (const q of WRITE_QUERIES) {
      expect(paramSequence(shape, 'measure', q.id, 20)).toEqual(paramSequence(shape, 'measure', q.id, 20));
    }
    expect(paramSequence(shape, 'measure', 'update_metadata', 20)).not.toEqual(paramSequence(shape, 'warmup', 'update_metadata', 20));
  });

  it('insert_one writes vectors from the write pool (after the query pool), never a query vector; labels carry the undo prefix; rows are in the dataset', () => {
    for (const [i, [row, vector]] of paramSequence(shape, 'measure', 'insert_one', 50).entries()) {
      expect(row).toEqual({ newRow: i });
      const v = (vector as { vector: number }).vector;
      expect(v).toBeGreaterThanOrEqual(shape.query_vector_pool);
      expect(v).toBeLessThan(2 * shape.query_vector_pool);
    }
    for (const [label, id] of paramSequence(shape, 'measure', 'update_metadata', 50)) {
      expect(String(label).startsWith(WRITTEN_LABEL_PREFIX)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(shape.dataset_size);
    }
    const writes = writeVectorPool(shape);
    const queries = queryVectorPool(shape);
    expect(writes).toHaveLength(shape.query_vector_pool);
    for (const w of writes) for (const q of queries) expect([...w]).not.toEqual([...q]);
  });

  it('new row ids are above the dataset, distinct across targets and iterations of a phase, and fail loudly past int4', () => {
    const ids = new Set<number>();
    for (let t = 0; t < 3; t++) for (let i = 0; i < 200; i++) ids.add(newRowId(shape.dataset_size, t, 200, i));
    expect(ids.size).toBe(600);
    expect(Math.min(...ids)).toBe(shape.dataset_size + 1);
    expect(() => newRowId(1_000_000, 3, 1_000_000_000, 0)).toThrow(/exceeds the 32-bit id column/);
    expect(bindLogical([{ newRow: 4 }, { vector: 1 }, 'x'], ['a', 'b'], { datasetSize: 1000, targetIndex: 1, span: 10 })).toEqual([1015, 'b', 'x']);
  });

  it('prepareCalls gives each target the same sequence but its own new ids', () => {
    const t = (id: string) => ({ id, type: 'pglite', module: { dialect: pglite, capabilities: {} }, ctx: { options: {}, root: '/' } }) as unknown as OpenTarget;
    const pools = new Map([['a', Array.from({ length: 20 }, (_, i) => `v${i}`)], ['b', Array.from({ length: 20 }, (_, i) => `v${i}`)]]);
    const [a, b] = prepareCalls([t('a'), t('b')], pools, WRITE_QUERIES, shape, 'measure', 5);
    const inserts = (p: typeof a) => p!.calls[0]!.map((c) => c.params);
    expect(inserts(a).map((p) => p[1])).toEqual(inserts(b).map((p) => p[1]));
    expect(inserts(a).map((p) => p[0])).toEqual([1001, 1002, 1003, 1004, 1005]);
    expect(inserts(b).map((p) => p[0])).toEqual([1006, 1007, 1008, 1009, 1010]);
    expect(a!.calls[1]).toEqual(b!.calls[1]);
    expect(a!.calls[2]).toEqual(b!.calls[2]);
  });
});

describe('a warmup longer than its prepared stream', () => {
  it('never repeats an insert_one id (a database double refuses duplicate keys, as the real ones do)', async () => {
    // One table shared by both paths, as pglite and pglite-wire share one database.
    const table = new Set<number>();
    const t = (id: string) => {
      const session = {
        async query(sql: string, params: readonly unknown[]) {
          if (sql.startsWith('INSERT INTO benchmark_vectors')) {
            const rowId = params[0] as number;
            if (table.has(rowId)) throw new Error(`duplicate key value violates unique constraint (id ${rowId})`);
            table.add(rowId);
          }
          return { rowCount: 1, rows: [] };
        },
      } as unknown as Session;
      return { id, type: 'pglite', module: { dialect: pglite, capabilities: {}, isConnectionLoss: () => false }, ctx: { options: {}, root: '/' }, session } as unknown as OpenTarget;
    };
    const pools = new Map([['a', Array.from({ length: 20 }, (_, i) => `v${i}`)], ['b', Array.from({ length: 20 }, (_, i) => `v${i}`)]]);
    // A stream of 4 prepared calls, a warmup of 25 iterations: 6 times round the stream.
    const prepared = prepareCalls([t('a'), t('b')], pools, WRITE_QUERIES, shape, 'warmup', 4, { unbounded: true });
    const r = await steadyWarmup({ runId: 'r', queries: WRITE_QUERIES, targets: prepared, minIterations: 25, window: 5, tolerance: 0.03, maxSeconds: 0, flush: async () => {} });
    expect(r.failed).toBe(0);
    expect(r.firstErrors.size).toBe(0);
    expect(table.size).toBe(50);
    expect(Math.min(...table)).toBe(shape.dataset_size + 1);
    expect(Math.max(...table)).toBe(shape.dataset_size + 50);
    // The other queries still cycle through their prepared parameters.
    expect(prepared[0]!.extend!(1, 9)).toEqual(prepared[0]!.calls[1]![1]);
  });
});

describe('the writes key', () => {
  const base = { targets: ['pglite'], scale: 'small', dataset_size: 100 };
  it('is off by default; a write query in the open-loop mix needs it', () => {
    expect(resolveConfig(base, {}, 'test').writes).toBe(false);
    expect(() => resolveConfig({ ...base, rate: 50, rate_queries: ['vector_cosine', 'insert_one'] }, {}, 'test')).toThrow(
      /rate_queries: insert_one is a write query; set writes: true to measure writes \(docs\/writes\.md\), or remove it/,
    );
    expect(resolveConfig({ ...base, writes: true, rate: 50, rate_queries: ['vector_cosine', 'insert_one'] }, {}, 'test').rate_queries).toEqual(['vector_cosine', 'insert_one']);
    expect(() => resolveConfig({ ...base, writes: 'yes' }, {}, 'test')).toThrow(/writes: /);
  });
});
