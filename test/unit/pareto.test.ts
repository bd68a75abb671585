import { describe, expect, it } from 'vitest';
import { atRecall, paretoFrontier, type CurvePoint } from '../../lib/stats/pareto.js';
import { summarizeEfSearch } from '../../lib/stats/ef-search-summary.js';
import type { EfSearchBlockRow, EfSearchRecallRow, EfSearchSampleRow } from '../../lib/store/ef-search.js';
import { ANN_QUERIES } from '../../lib/workload/ann-queries.js';
import { pgvectorDialect } from '../../lib/targets/pgvector-sql/dialect.js';
import { irisDialect } from '../../lib/targets/iris-sql/dialect.js';
import { efSearchTunable } from '../../lib/targets/ef-search.js';
import { loadTarget } from '../../lib/targets/registry.js';

const pt = (ef: number | null, recall: number, qps: number, p99_ms: number | null = null): CurvePoint => ({ ef_search: ef, recall, qps, p99_ms });
const efs = (ps: readonly CurvePoint[]) => ps.map((p) => p.ef_search);

describe('paretoFrontier (recall↑, QPS↑)', () => {
  it('keeps the non-dominated points in ascending recall and drops a dominated one', () => {
    // ef 40 (0.70, 700) is dominated by ef 20 (0.80, 800): higher recall and higher QPS.
    const points = [pt(10, 0.6, 1000), pt(20, 0.8, 800), pt(40, 0.7, 700), pt(80, 0.95, 400), pt(160, 1, 200)];
    expect(efs(paretoFrontier(points))).toEqual([10, 20, 80, 160]);
  });

  it('ties: equal recall, lower QPS is dominated; equal QPS, lower recall is dominated', () => {
    expect(efs(paretoFrontier([pt(10, 0.9, 500), pt(20, 0.9, 450)]))).toEqual([10]);
    expect(efs(paretoFrontier([pt(10, 0.8, 500), pt(20, 0.9, 500)]))).toEqual([20]);
  });

  it('ties: two identical points both stay (neither dominates), smaller ef first', () => {
    expect(efs(paretoFrontier([pt(40, 0.9, 500), pt(20, 0.9, 500), pt(80, 1, 100)]))).toEqual([20, 40, 80]);
  });

  it('a single point is its own frontier; no points, no frontier', () => {
    expect(efs(paretoFrontier([pt(null, 0.5, 50)]))).toEqual([null]);
    expect(paretoFrontier([])).toEqual([]);
  });
});

describe('atRecall: linear in recall between adjacent frontier points, no extrapolation', () => {
  const frontier = paretoFrontier([pt(10, 0.6, 1000, 2), pt(20, 0.8, 800, 3), pt(40, 0.7, 700, 9), pt(80, 0.95, 400, 6), pt(160, 1, 200, 12)]);

  it('interpolates QPS and p99 between the two neighbours (hand-computed)', () => {
    // 0.90 lies between (0.80, 800, 3 ms) and (0.95, 400, 6 ms): t = 0.10 / 0.15 = 2/3.
    const m = atRecall(frontier, 0.9);
    expect(m.status).toBe('interpolated');
    expect(m.qps).toBeCloseTo(800 + (2 / 3) * (400 - 800), 9); // 533.333…
    expect(m.p99_ms).toBeCloseTo(3 + (2 / 3) * (6 - 3), 9); // 5
    expect([m.low_ef, m.high_ef]).toEqual([20, 80]);
    // 0.99 between (0.95, 400, 6) and (1.00, 200, 12): t = 0.8 → QPS 240, p99 10.8.
    const h = atRecall(frontier, 0.99);
    expect(h.qps).toBeCloseTo(240, 9);
    expect(h.p99_ms).toBeCloseTo(10.8, 9);
    expect([h.low_ef, h.high_ef]).toEqual([80, 160]);
  });

  it('a level on a frontier point returns that point, within float noise', () => {
    const m = atRecall(frontier, 0.95);
    expect(m).toEqual({ level: 0.95, qps: 400, p99_ms: 6, status: 'at a point', low_ef: 80, high_ef: 80 });
    // A mean recall of 0.9 computed as a sum of fifths: 0.8999999999999998 in floats.
    const noisy = [1, 1, 1, 1, 0.8, 0.8, 0.8, 1, 1, 0.6].reduce((a, x) => a + x, 0) / 10;
    expect(noisy).not.toBe(0.9);
    expect(atRecall([pt(10, noisy, 300, 1)], 0.9).status).toBe('at a point');
  });

  it('a dominated point is never used, even when it lies near the level', () => {
    // ef 40 (0.70, 700) would give 700 at 0.70; the frontier says 0.6→0.8 gives 900.
    const m = atRecall(frontier, 0.7);
    expect(m.status).toBe('interpolated');
    expect(m.qps).toBeCloseTo(900, 9);
    expect([m.low_ef, m.high_ef]).toEqual([10, 20]);
  });

  it('not reached when the frontier stays below the level', () => {
    const low = paretoFrontier([pt(10, 0.5, 900, 1), pt(20, 0.85, 300, 4)]);
    expect(atRecall(low, 0.9)).toEqual({ level: 0.9, qps: null, p99_ms: null, status: 'not reached', low_ef: null, high_ef: null });
    expect(atRecall([], 0.9).status).toBe('not reached');
  });

  it('above level: every point exceeds it — the fastest point, not a downward extrapolation', () => {
    const high = paretoFrontier([pt(40, 0.96, 300, 5), pt(80, 0.99, 150, 9)]);
    expect(atRecall(high, 0.9)).toEqual({ level: 0.9, qps: 300, p99_ms: 5, status: 'above level', low_ef: 40, high_ef: 40 });
  });

  it('a single point: at it, above the level, or not reached', () => {
    const one = [pt(null, 0.95, 120, 8)];
    expect(atRecall(one, 0.9).status).toBe('above level');
    expect(atRecall(one, 0.95).status).toBe('at a point');
    expect(atRecall(one, 0.99).status).toBe('not reached');
  });

  it('p99 is null when a neighbour has none', () => {
    expect(atRecall([pt(10, 0.8, 800, null), pt(20, 1, 400, 4)], 0.9)).toMatchObject({ qps: 600, p99_ms: null, status: 'interpolated' });
  });
});

describe('summarizeEfSearch', () => {
  const RUN = 'run-ef';
  const block = (target: string, ef: number | null, wallMs: number, requests = 4): EfSearchBlockRow => ({
    run_id: RUN, target, ef_search: ef, query_id: 'vector_cosine', requests, wall_ns: wallMs * 1e6, ef_tunable: ef === null ? 0 : 1,
  });
  const samples = (target: string, ef: number | null, ms: number[], failed = 0): EfSearchSampleRow[] => [
    ...ms.map((m, seq) => ({ run_id: RUN, target, ef_search: ef, query_id: 'vector_cosine', seq, start_ns: 0, elapsed_ns: m * 1e6, ok: 1 as const, error: null })),
    ...Array.from({ length: failed }, (_, i) => ({ run_id: RUN, target, ef_search: ef, query_id: 'vector_cosine', seq: ms.length + i, start_ns: 0, elapsed_ns: 1, ok: 0 as const, error: 'boom' })),
  ];
  const recalls = (target: string, ef: number | null, rs: (number | null)[]): EfSearchRecallRow[] =>
    rs.map((recall, seq) => ({ run_id: RUN, target, ef_search: ef, query_id: 'vector_cosine', seq, recall, error: recall === null ? 'boom' : null }));

  it('points: recall mean/min, numpy-linear p50/p99, QPS = ok ÷ wall; frontier flags and matched rows per target × query', () => {
    const { points, matched } = summarizeEfSearch(
      RUN,
      [...samples('pg', 10, [1, 2, 3, 4]), ...samples('pg', 40, [2, 4, 6], 1), ...samples('iris', null, [5, 5, 5, 5])],
      [block('pg', 10, 10), block('pg', 40, 20), block('iris', null, 40)],
      [...recalls('pg', 10, [0.6, 0.8, 1, 0.6]), ...recalls('pg', 40, [1, 1, null, 0.8]), ...recalls('iris', null, [1, 1, 1, 1])],
    );
    const pg10 = points.find((p) => p.target === 'pg' && p.ef_search === 10)!;
    expect(pg10).toMatchObject({ requests: 4, failed: 0, recall_n: 4, recall_min: 0.6, p50_ms: 2.5, qps: 400, on_frontier: 1 });
    expect(pg10.recall_mean).toBeCloseTo(0.75, 12);
    expect(pg10.p99_ms).toBeCloseTo(3.97, 12); // h = 3·0.99 = 2.97 → 3 + 0.97·(4 − 3)
    const pg40 = points.find((p) => p.target === 'pg' && p.ef_search === 40)!;
    // 3 successful of 4 in 20 ms → 150 QPS; recall over the 3 scored requests.
    expect(pg40).toMatchObject({ requests: 4, failed: 1, recall_n: 3, recall_min: 0.8, p50_ms: 4, qps: 150, on_frontier: 1 });
    expect(pg40.recall_mean).toBeCloseTo(2.8 / 3, 12);
    const iris = points.find((p) => p.target === 'iris')!;
    expect(iris).toMatchObject({ ef_search: null, ef_tunable: 0, recall_mean: 1, qps: 100, on_frontier: 1 });
    // pg at 0.90 lies between (0.75, 400) and (0.9333, 150): t = 0.15 / 0.18333 = 9/11.
    const m = matched.find((x) => x.target === 'pg' && x.recall_level === 0.9)!;
    expect(m.status).toBe('interpolated');
    expect(m.qps).toBeCloseTo(400 - (9 / 11) * 250, 9);
    expect(matched.find((x) => x.target === 'pg' && x.recall_level === 0.95)!.status).toBe('not reached');
    expect(matched.filter((x) => x.target === 'iris').map((x) => x.status)).toEqual(['above level', 'above level', 'above level']);
  });

  it('a block whose requests all failed has no QPS, is not on the frontier, and leaves the others alone', () => {
    const { points } = summarizeEfSearch(RUN, [...samples('pg', 10, [1, 1]), ...samples('pg', 20, [], 2)], [block('pg', 10, 2, 2), block('pg', 20, 2, 2)], [...recalls('pg', 10, [0.5, 0.5]), ...recalls('pg', 20, [null, null])]);
    expect(points.map((p) => [p.ef_search, p.qps, p.recall_mean, p.on_frontier])).toEqual([[10, 1000, 0.5, 1], [20, null, null, 0]]);
  });
});

describe('what is swept and who can tune it', () => {
  it('the swept templates are exactly the ones ordered by the cosine distance the HNSW index is built for', () => {
    expect(ANN_QUERIES.map((q) => q.id)).toEqual(['vector_cosine', 'vector_filter']);
    expect(pgvectorDialect.create_hnsw_index).toMatch(/vector_cosine_ops/);
    expect(irisDialect.create_hnsw_index).toMatch(/Distance='Cosine'/);
    for (const q of ANN_QUERIES) {
      expect(pgvectorDialect[q.id]).toMatch(/ORDER BY v?\.?embedding <=> \$1/);
      expect(irisDialect[q.id as keyof typeof irisDialect]).toMatch(/ORDER BY VECTOR_COSINE\(/);
    }
    // The other kNN templates order by another metric: exact scans.
    expect(pgvectorDialect.vector_l2).toMatch(/ORDER BY embedding <->/);
    expect(pgvectorDialect.vector_inner_product).toMatch(/ORDER BY embedding <#>/);
  });

  it('pgvector targets can set ef_search at query time, IRIS cannot (through the gateway in either dialect)', async () => {
    const { irisPgwireModule } = await import('../../lib/targets/iris-pgwire/index.js');
    expect(efSearchTunable(irisPgwireModule('pgvector'))).toBe(false);
    expect(efSearchTunable(irisPgwireModule('iris'))).toBe(false);
    expect(efSearchTunable((await import('../../lib/targets/iris-native/index.js')).target)).toBe(false);
    for (const id of ['pglite', 'pglite-wire', 'postgres']) expect(efSearchTunable(await loadTarget(id)), id).toBe(true);
  });
});
