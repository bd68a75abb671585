import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCollecting } from '../helpers/compile-collecting.js';
import { EXACT_SCAN_LABEL, RECALL_QPS_TITLE, recallQpsChart } from '../../lib/render/charts/recall-qps.js';
import { atRecall, paretoFrontier, type CurvePoint } from '../../lib/stats/pareto.js';
import { summarizeEfSearch } from '../../lib/stats/ef-search-summary.js';
import type { EfSearchBlockRow, EfSearchPointRow, EfSearchRecallRow, EfSearchSampleRow } from '../../lib/store/ef-search.js';
import type { QueryPlanRow } from '../../lib/store/query-plans.js';
import { classifyPostgresPlan } from '../../lib/targets/pgvector-sql/explain-plan.js';
import { planFormatOf } from '../../lib/targets/plan-formats.js';
import { loadTarget } from '../../lib/targets/registry.js';
import { irisPgwireModule } from '../../lib/targets/iris-pgwire/index.js';
import { planWarnings } from '../../lib/verify/plan-warnings.js';

/** Real EXPLAIN (FORMAT JSON) output from the local PostgreSQL 15.20 + pgvector 0.8.0 (see the file's _source). */
const fx = JSON.parse(readFileSync(new URL('../fixtures/postgres-plans.json', import.meta.url), 'utf8')) as {
  index_methods: Record<string, string>;
  plans: Record<string, { what: string; plan: string }>;
};
const classify = (name: string, methods = fx.index_methods) => classifyPostgresPlan(fx.plans[name]!.plan, methods);

describe('classifyPostgresPlan on real PostgreSQL plans', () => {
  it('HNSW index scan ordering by cosine distance (vector_cosine and vector_filter at ef_search 40)', () => {
    expect(classify('cosine_ef40')).toEqual({ vector_order: 'index', access: 'index: benchmark_vectors_embedding_hnsw (hnsw)' });
    // Nested loop: HNSW order on the vectors, metadata primary key per row — still the index's order.
    expect(classify('filter_ef40')).toEqual({ vector_order: 'index', access: 'index: benchmark_vectors_embedding_hnsw (hnsw)' });
  });

  it('seq scan + sort: ef_search 640 on 10,000 rows, and enable_indexscan = off', () => {
    for (const name of ['cosine_ef640', 'cosine_noindex', 'l2']) expect(classify(name)).toEqual({ vector_order: 'sort', access: 'seq scan + sort' });
    // Hash join of a seq scan of the vectors with a bitmap scan of the category index, then sort.
    expect(classify('filter_ef640')).toEqual({ vector_order: 'sort', access: 'seq scan + sort' });
  });

  it('queries without vector ordering are named after their scans', () => {
    expect(classify('select_id')).toEqual({ vector_order: 'none', access: 'index: benchmark_vectors_pkey (btree)' });
    expect(classify('join')).toEqual({ vector_order: 'none', access: 'index: benchmark_metadata_label_idx (btree), index only: benchmark_vectors_pkey (btree)' });
    expect(classify('count')).toEqual({ vector_order: 'none', access: 'seq scan' });
  });

  it('without the index methods the index is still recognised by its distance order, named without a method', () => {
    expect(classify('cosine_ef40', {})).toEqual({ vector_order: 'index', access: 'index: benchmark_vectors_embedding_hnsw (access method unknown)' });
  });

  it('text that is not an EXPLAIN (FORMAT JSON) plan is unknown, not a guess', () => {
    expect(classifyPostgresPlan('<plan>Read master map</plan>', {}).vector_order).toBe('unknown');
    expect(classifyPostgresPlan('[]', {}).vector_order).toBe('unknown');
    // A distance operator in a node that neither orders by index nor sorts (e.g. a filter): unknown.
    const odd = JSON.stringify([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 'benchmark_vectors', Filter: "((embedding <=> '[1,2]'::vector) < 0.5)" } }]);
    expect(classifyPostgresPlan(odd, {}).vector_order).toBe('unknown');
  });
});

describe('plan capture capability', () => {
  it('PostgreSQL, PGlite and pglite-wire capture EXPLAIN JSON; the IRIS targets capture none', async () => {
    for (const id of ['postgres', 'pglite', 'pglite-wire']) expect(planFormatOf((await loadTarget(id)).capabilities)?.id).toBe('postgres-json');
    expect(planFormatOf((await loadTarget('iris-native')).capabilities)).toBeUndefined();
    for (const mode of ['iris', 'pgvector'] as const) expect(planFormatOf(irisPgwireModule(mode).capabilities)).toBeUndefined();
    expect(planFormatOf({ concurrentSessions: true, annIndex: true, copy: true })).toBeUndefined(); // default: none
  });
});

const plan = (target: string, query_id: string, vector_order: QueryPlanRow['vector_order'], access: string, scope: QueryPlanRow['scope'] = 'measure', ef: number | null = null): QueryPlanRow => ({
  run_id: 'r', target, scope, query_id, ef_search: ef, format: 'postgres-json', plan: '[]', index_methods: '{}', vector_order, access, error: null,
});

describe('planWarnings', () => {
  it('an ANN query without its index, and an exact query through an approximate index, each give one line', () => {
    const w = planWarnings([
      plan('postgres', 'vector_cosine', 'sort', 'seq scan + sort'),
      plan('postgres', 'vector_filter', 'index', 'index: h (hnsw)'),
      plan('pglite', 'vector_l2', 'index', 'index: l2h (hnsw)'),
      plan('pglite', 'vector_inner_product', 'sort', 'seq scan + sort'),
      plan('pglite', 'join', 'none', 'index: x (btree)'),
      { ...plan('iris-native', 'vector_cosine', 'unknown', 'not captured'), format: 'none', plan: null },
      plan('postgres', 'vector_cosine', 'sort', 'seq scan + sort', 'ef_search', 640),
    ]);
    expect(w).toEqual([
      'postgres / vector_cosine: NOT SERVED BY THE VECTOR INDEX — plan: seq scan + sort. These are exact results, not the index\'s.',
      'pglite / vector_l2: AN EXACT QUERY SERVED BY AN APPROXIMATE INDEX — plan: index: l2h (hnsw). Its results may not be exact.',
      'postgres / vector_cosine at ef_search 640: NOT SERVED BY THE VECTOR INDEX — plan: seq scan + sort. These are exact results, not the index\'s.',
    ]);
  });
});

describe('frontier and matched recall leave out points served without the vector index', () => {
  const pt = (ef: number, recall: number, qps: number, exact = false): CurvePoint => ({ ef_search: ef, recall, qps, p99_ms: null, exact });

  it('an exact point neither joins the frontier nor dominates HNSW points', () => {
    // ef 640 is an exact scan: recall 1 at a QPS above ef 320's. With it, 320 would be dominated.
    const points = [pt(80, 0.6, 900), pt(320, 0.84, 300), pt(640, 1, 400, true)];
    expect(paretoFrontier(points).map((p) => p.ef_search)).toEqual([80, 320]);
    expect(paretoFrontier(points.map((p) => ({ ...p, exact: false }))).map((p) => p.ef_search)).toEqual([80, 640]);
  });

  it('no interpolation towards an exact point: a level above the best HNSW point is not reached', () => {
    const f = paretoFrontier([pt(80, 0.6, 900), pt(320, 0.84, 300), pt(640, 1, 400, true)]);
    expect(atRecall(f, 0.9)).toMatchObject({ status: 'not reached', qps: null });
    expect(atRecall(f, 0.7)).toMatchObject({ status: 'interpolated', low_ef: 80, high_ef: 320 });
  });

  it('summarizeEfSearch marks each point with its plan and keeps exact points off the frontier', () => {
    const RUN = 'r';
    const block = (ef: number): EfSearchBlockRow => ({ run_id: RUN, target: 'pg', ef_search: ef, query_id: 'vector_cosine', requests: 2, wall_ns: 10e6, ef_tunable: 1 });
    const samples = (ef: number): EfSearchSampleRow[] => [0, 1].map((seq) => ({ run_id: RUN, target: 'pg', ef_search: ef, query_id: 'vector_cosine', seq, start_ns: 0, elapsed_ns: 1e6, ok: 1 as const, error: null }));
    const recalls = (ef: number, r: number): EfSearchRecallRow[] => [0, 1].map((seq) => ({ run_id: RUN, target: 'pg', ef_search: ef, query_id: 'vector_cosine', seq, recall: r, error: null }));
    const { points, matched } = summarizeEfSearch(
      RUN,
      [...samples(320), ...samples(640)],
      [block(320), block(640)],
      [...recalls(320, 0.84), ...recalls(640, 1)],
      [plan('pg', 'vector_cosine', 'index', 'index: h (hnsw)', 'ef_search', 320), plan('pg', 'vector_cosine', 'sort', 'seq scan + sort', 'ef_search', 640), plan('pg', 'vector_cosine', 'index', 'main', 'measure')],
    );
    expect(points.map((p) => [p.ef_search, p.vector_order, p.access, p.on_frontier])).toEqual([[320, 'index', 'index: h (hnsw)', 1], [640, 'sort', 'seq scan + sort', 0]]);
    expect(matched.map((m) => m.status)).toEqual(['not reached', 'not reached', 'not reached']);
    // Without plans (a run from before plan capture) every point counts, as before.
    const old = summarizeEfSearch(RUN, [...samples(320), ...samples(640)], [block(320), block(640)], [...recalls(320, 0.84), ...recalls(640, 1)]);
    expect(old.points.map((p) => [p.vector_order, p.on_frontier])).toEqual([[null, 0], [null, 1]]);
  });
});

describe('recall–QPS chart marks exact-scan points', () => {
  const p = (ef: number, recall: number, qps: number, onFrontier: boolean, vector_order: string | null, access: string | null): EfSearchPointRow => ({
    run_id: 'r', target: 'postgres', query_id: 'vector_cosine', ef_search: ef, ef_tunable: 1, requests: 50, failed: 0, recall_n: 50,
    recall_mean: recall, recall_min: recall, p50_ms: 2, p99_ms: 5, qps, on_frontier: onFrontier ? 1 : 0, vector_order, access,
  });
  const spec = recallQpsChart([p(320, 0.84, 300, true, 'index', 'index: h (hnsw)'), p(640, 1, 400, false, 'sort', 'seq scan + sort')], { title: RECALL_QPS_TITLE, k: 5 });

  it('a square with its own legend entry, a subtitle note naming it, and a clean compile', () => {
    const values = (spec as { data: { values: { ef: string; point: string; plan: string }[] } }).data.values;
    expect(values.map((v) => [v.ef, v.point, v.plan])).toEqual([['320', 'on frontier', 'index: h (hnsw)'], ['640', EXACT_SCAN_LABEL, 'seq scan + sort']]);
    expect(JSON.stringify(spec)).toContain('"range":["circle","cross","square"]');
    expect((spec as { title: { subtitle: string[] } }).title.subtitle.join(' ')).toContain('1 point(s) served by an exact scan, not the HNSW index (ef_search 640)');
    expect(compileCollecting(spec)).toEqual({ warnings: [], errors: [] });
  });
});
