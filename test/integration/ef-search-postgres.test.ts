import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { openStore } from '../../lib/store/open.js';
import { registerEfSearchSpy, type EfSearchSpy } from '../helpers/ef-search-spy.js';
import { REQUIRE_POSTGRES, pgTestTargetOptions, preparePgTestDatabase } from '../helpers/postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The ef_search sweep against the real PostgreSQL + pgvector server (test database of
 * test/helpers/postgres.ts), through the postgres target's own driver and dialect, wrapped only to
 * record what the sweep sets (test/helpers/ef-search-spy.ts). Required under CI=true.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`PostgreSQL ef_search sweep test is required here (CI=true) but cannot run: ${pgProblem}`);
if (pgProblem) process.stderr.write(`PostgreSQL ef_search sweep test skipped: ${pgProblem}. Set CI=true to require it.\n`);

let spy: EfSearchSpy;
beforeAll(() => {
  spy = registerEfSearchSpy('postgres-spy', 'postgres');
});

describe.skipIf(!!pgProblem)('ef_search sweep on PostgreSQL', () => {
  it('sweeps the server session, scores recall against the ground truth, restores hnsw.ef_search and reports the frontier', async () => {
    const p = await tmpProfile({
      targets: ['postgres-spy'], target_options: { 'postgres-spy': pgTestTargetOptions() },
      dataset_size: 3000, vector_dims: 64, iterations: 2, warmup: 1, verify_queries: 0, ef_search: [10, 200], ef_search_requests: 8,
    });
    const args = ['--config', p.config];
    await expectStagesOk(args, [provision, validate, seed, warmup]);
    spy.sets.length = spy.atClose.length = 0;
    await expectStagesOk(args, [measure, aggregate, render]);
    expect(spy.sets).toEqual(['40', '10', '200', '40']);
    expect(spy.atClose).toEqual(['40']);

    const db = await openStore(p.store);
    try {
      const points = await db.all<{ query_id: string; ef_search: number; requests: number; failed: number; recall_n: number; recall_mean: number; qps: number }>(
        'SELECT query_id, ef_search, requests, failed, recall_n, recall_mean, qps FROM ef_search_points ORDER BY query_id, ef_search',
      );
      expect(points.map((x) => [x.query_id, x.ef_search, x.requests, x.failed, x.recall_n])).toEqual([
        ['vector_cosine', 10, 8, 0, 8], ['vector_cosine', 200, 8, 0, 8], ['vector_filter', 10, 8, 0, 8], ['vector_filter', 200, 8, 0, 8],
      ]);
      // 3,000 uniform 64-dim vectors: ef 10 misses neighbours, ef 200 finds (nearly) all.
      expect(points[1]!.recall_mean).toBeGreaterThan(points[0]!.recall_mean);
      expect(points[1]!.recall_mean).toBeGreaterThanOrEqual(0.9);
      expect(points.every((x) => x.qps > 0)).toBe(true);
    } finally {
      await db.close();
    }
    const results = JSON.parse(await readFile(join(p.reports, await readlink(join(p.reports, 'latest')), 'results.json'), 'utf8'));
    expect(results.ef_search_sweep.points.filter((x: { on_frontier: boolean }) => x.on_frontier).length).toBeGreaterThanOrEqual(2);
    expect(results.ef_search_sweep.matched_recall).toHaveLength(2 * 3);
  });
});
