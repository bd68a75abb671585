import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { openStore } from '../../lib/store/open.js';
import { mixSequence } from '../../lib/workload/rate-mix.js';
import { captureOutput } from '../helpers/capture.js';
import { REQUIRE_POSTGRES, pgTestTargetOptions, preparePgTestDatabase } from '../helpers/postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * rate_mix end to end on the local PostgreSQL, in 2 client threads: the stored query of every
 * request is the seeded draw (the same on both levels), and table.txt, results.json and the HTML
 * show the mix and one row per query of it. PostgreSQL missing fails under CI=true.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`rate-mix test needs PostgreSQL here (CI=true): ${pgProblem}`);

describe.skipIf(pgProblem !== undefined)('rate_mix on PostgreSQL', () => {
  it('runs the seeded weighted mix in 2 client threads and reports per-query latency within it', async () => {
    const p = await tmpProfile({
      iterations: 3, warmup: 1, verify_queries: 0, targets: ['postgres'], target_options: { postgres: pgTestTargetOptions() },
      client_threads: 2, rate: [60, 120], rate_requests: 120, rate_sessions: 3, rate_arrival: 'poisson',
      rate_mix: { vector_cosine: 0.8, simple_select_id: 0.2 },
    });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup]);
    const { result, stderr, stdout } = await captureOutput(() => measure(['--config', p.config]));
    expect(result, stderr).toBe(0);
    expect(stdout + stderr).toMatch(/open loop: weighted mix simple_select_id 20%, vector_cosine 80% \(seed 7\)/);
    expect(stdout + stderr).toMatch(/open loop postgres at 60\/s \(poisson, 3 sessions on 2 client threads\)/);
    await expectStagesOk(['--config', p.config], [aggregate, render]);

    const db = await openStore(p.store);
    const rows = await db.all<{ offered_rate: number; seq: number; query_id: string; ok: number }>('SELECT offered_rate, seq, query_id, ok FROM open_loop_samples ORDER BY offered_rate, seq');
    const scopes = await db.all<{ offered_rate: number; scope: string; scheduled: number }>('SELECT offered_rate, scope, scheduled FROM open_loop_aggregates ORDER BY 1, 2');
    await db.close();
    // Catalogue order: simple_select_id is entry 0, vector_cosine entry 1.
    const ids = ['simple_select_id', 'vector_cosine'];
    const expected = Array.from(mixSequence(7, [{ query: 0, weight: 0.2 }, { query: 1, weight: 0.8 }], 120), (i) => ids[i]);
    for (const rate of [60, 120]) expect(rows.filter((r) => r.offered_rate === rate).map((r) => r.query_id)).toEqual(expected);
    expect(rows.every((r) => r.ok === 1)).toBe(true);
    const cosine = expected.filter((x) => x === 'vector_cosine').length;
    expect(scopes.filter((s) => s.offered_rate === 60)).toEqual([
      { offered_rate: 60, scope: 'all', scheduled: 120 },
      { offered_rate: 60, scope: 'query:simple_select_id', scheduled: 120 - cosine },
      { offered_rate: 60, scope: 'query:vector_cosine', scheduled: cosine },
      { offered_rate: 60, scope: 'simple', scheduled: 120 - cosine },
      { offered_rate: 60, scope: 'vector_similarity', scheduled: cosine },
    ]);

    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toContain('weighted mix vector_cosine 80%, simple_select_id 20% (seeded');
    expect(table).toMatch(/Per query within the mix \(vector_cosine 80%, simple_select_id 20%/);
    expect(table).toMatch(new RegExp(`postgres \\| +60 \\| vector_cosine +\\| +${((100 * cosine) / 120).toFixed(1)}% \\|`));
    expect(table).toMatch(/postgres \| +120 \| simple_select_id \|/);
    expect(table).toMatch(/postgres \/ vector_cosine in the mix: /);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(results.open_loop.setup.mix).toEqual({ vector_cosine: 0.8, simple_select_id: 0.2 });
    expect(results.open_loop.levels.filter((l: { scope: string }) => l.scope.startsWith('query:')).length).toBe(4);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<h3>Per query within the mix</h3>');
    expect(html).toMatch(/<td><code>vector_cosine<\/code><\/td>/);
  });
});
