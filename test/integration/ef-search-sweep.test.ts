import { readFile, readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { openStore } from '../../lib/store/open.js';
import { registerEfSearchSpy, type EfSearchSpy } from '../helpers/ef-search-spy.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The ef_search sweep through every stage on real PGlite. Two test-only targets (real PGlite
 * underneath, on the same database; test/helpers/ef-search-spy.ts) record what the sweep does to
 * their sessions:
 *  - pglite-spy: tunable; every set_ef_search value and, when its session closes, the
 *    hnsw.ef_search actually in force (it must be the main measurement's again);
 *  - pglite-fixed: declares `efSearch: 'fixed'` as the IRIS targets do, so it gets one point at
 *    its default and must never be asked to change ef_search. (It shares the engine with
 *    pglite-spy, so its "default" here is whatever that session left set: only the plumbing is tested.)
 */
let spy: EfSearchSpy;
let fixed: EfSearchSpy;
beforeAll(() => {
  spy = registerEfSearchSpy('pglite-spy', 'pglite');
  fixed = registerEfSearchSpy('pglite-fixed', 'pglite', 'fixed');
});

const STAGES = [provision, validate, seed, warmup, measure, aggregate, render];

describe('ef_search sweep on PGlite', () => {
  it('measures every target × ef × HNSW query, scores recall, restores ef_search, reports frontier and matched recall, and re-aggregates offline to the same numbers', async () => {
    // Uniform 64-dim vectors, 2,000 rows: hard enough for HNSW that ef_search 10 misses neighbours.
    const p = await tmpProfile({
      targets: ['pglite-spy', 'pglite-wire', 'pglite-fixed'], dataset_size: 2000, vector_dims: 64, iterations: 2, warmup: 1, verify_queries: 0, ef_search: [160, 10, 40], ef_search_requests: 6,
    });
    const profile = parse(await readFile(p.config, 'utf8'));
    profile.target_options = { ...profile.target_options, 'pglite-spy': { data_dir: p.dataDir }, 'pglite-fixed': { data_dir: p.dataDir } };
    await writeFile(p.config, stringify(profile));
    const args = ['--config', p.config];
    await expectStagesOk(args, STAGES.slice(0, 4));
    for (const log of [spy, fixed]) log.sets.length = log.atClose.length = 0;
    await expectStagesOk(args, [measure]);

    // Session setup at hnsw.ef_search 40, the sweep's values in ascending order, then 40 again — and 40 in force at the end.
    expect(spy.sets).toEqual(['40', '10', '40', '160', '40']);
    expect(spy.atClose).toEqual(['40']);
    // The not-tunable target is set up like every target (IRIS echoes it) and never swept.
    expect(fixed.sets).toEqual(['40']);

    let before: unknown;
    const db = await openStore(p.store);
    try {
      const blocks = await db.all<{ target: string; ef_search: number | null; query_id: string; requests: number; ef_tunable: number }>(
        'SELECT target, ef_search, query_id, requests, ef_tunable FROM ef_search_blocks ORDER BY target, query_id, ef_search',
      );
      const expected = (target: string, efs: (number | null)[], tunable: number) =>
        ['vector_cosine', 'vector_filter'].flatMap((query_id) => efs.map((ef_search) => ({ target, ef_search, query_id, requests: 6, ef_tunable: tunable })));
      expect(blocks).toEqual([...expected('pglite-fixed', [null], 0), ...expected('pglite-spy', [10, 40, 160], 1), ...expected('pglite-wire', [10, 40, 160], 1)]);
      const perBlock = await db.all<{ n: number; ok: number }>('SELECT count(*) AS n, sum(ok) AS ok FROM ef_search_samples GROUP BY target, query_id, ef_search');
      expect(perBlock).toHaveLength(14);
      expect(perBlock.every((b) => b.n === 6 && b.ok === 6)).toBe(true);
      const recalls = await db.get<{ n: number; scored: number }>('SELECT count(*) AS n, count(recall) AS scored FROM ef_search_recalls');
      expect(recalls).toEqual({ n: 14 * 6, scored: 14 * 6 });
      // Only what the HNSW index serves is swept.
      expect(await db.all('SELECT DISTINCT query_id FROM ef_search_samples ORDER BY 1')).toEqual([{ query_id: 'vector_cosine' }, { query_id: 'vector_filter' }]);
    } finally {
      await db.close();
    }

    await expectStagesOk(args, [aggregate, render]);
    const derived = await openStore(p.store);
    try {
      // A wider search finds more of the true neighbours.
      const cosine = await derived.all<{ ef_search: number; recall_mean: number }>(
        "SELECT ef_search, recall_mean FROM ef_search_points WHERE target = 'pglite-spy' AND query_id = 'vector_cosine' ORDER BY ef_search",
      );
      expect(cosine[2]!.recall_mean).toBeGreaterThan(cosine[0]!.recall_mean);
      expect(await derived.get('SELECT count(*) AS n FROM ef_search_matched')).toEqual({ n: 3 * 2 * 3 });
      before = {
        points: await derived.all('SELECT * FROM ef_search_points ORDER BY target, query_id, ef_search'),
        matched: await derived.all('SELECT * FROM ef_search_matched ORDER BY target, query_id, recall_level'),
      };
    } finally {
      await derived.close();
    }
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/ef_search sweep \(6 timed requests per point/);
    expect(table).toMatch(/pglite-fixed\s+\| vector_cosine\s+\| default \(not tunable\)/);
    expect(table).toMatch(/At matched recall/);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(results.ef_search_sweep.points).toHaveLength(14);
    expect(results.ef_search_sweep.matched_recall).toHaveLength(18);
    expect(results.ef_search_sweep.points.find((x: { target: string }) => x.target === 'pglite-fixed')).toMatchObject({ ef_search: null, ef_search_tunable: false, on_frontier: true });
    expect(await readdir(join(dir, 'charts'))).toEqual(expect.arrayContaining(['recall-qps.vl.json', 'recall-qps.svg', 'recall-qps.png']));
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<section id="ef-search">');

    // Offline: no engine data left, aggregate and render again give the same numbers.
    await rm(p.dataDir, { recursive: true, force: true });
    await expectStagesOk(args, [aggregate, render]);
    const again = await openStore(p.store);
    try {
      expect({
        points: await again.all('SELECT * FROM ef_search_points ORDER BY target, query_id, ef_search'),
        matched: await again.all('SELECT * FROM ef_search_matched ORDER BY target, query_id, recall_level'),
      }).toEqual(before);
    } finally {
      await again.close();
    }
    const results2 = JSON.parse(await readFile(join(p.reports, await readlink(join(p.reports, 'latest')), 'results.json'), 'utf8'));
    expect(results2.ef_search_sweep).toEqual(results.ef_search_sweep);
  });
});
