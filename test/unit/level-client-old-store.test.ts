import { mkdtemp, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { openStore } from '../../lib/store/open.js';
import { readLevelClientLoads } from '../../lib/store/level-client-load.js';
import { readOpenLoop, readOpenLoopAggregates } from '../../lib/store/open-loop.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { readSweep } from '../../lib/store/sweep.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as render } from '../../stages/render.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/** The migration that added the per-level client columns (found by content: others may be appended after it). */
const CLIENT_MIGRATION = MIGRATIONS.findIndex((m) => m.includes('ALTER TABLE sweep_levels ADD COLUMN client_cpu_cores'));

describe('per-level client load in a store from before it was recorded', () => {
  it('the migration exists and is not the first', () => {
    expect(CLIENT_MIGRATION).toBeGreaterThan(0);
  });

  it('old level rows migrate with NULL client columns and read back as "not recorded"', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'pb-old-levels-')), 'bench.sqlite');
    const old = await SqliteDb.open(file);
    for (const m of MIGRATIONS.slice(0, CLIENT_MIGRATION)) await old.exec(m);
    await old.exec(`PRAGMA user_version = ${CLIENT_MIGRATION}`);
    await old.run(
      "INSERT INTO runs (run_id, kind, status, created_at, profile, dataset_id, seed, targets_json, config_json, below_production_scale) VALUES ('r1', 'measure', 'complete', '2026-01-01T00:00:00Z', 'p', 'd', 1, '[\"postgres\"]', '{}', 1)",
    );
    await old.run("INSERT INTO sweep_levels (run_id, target, concurrency, wall_ns, concurrent_sessions) VALUES ('r1', 'postgres', 4, 1000000000, 1)");
    await old.run(
      "INSERT INTO open_loop_levels (run_id, target, offered_rate, arrival, sessions, concurrent_sessions, scheduled, span_ns, wall_ns, late_threshold_ns, drop_after_ns, max_queue) VALUES ('r1', 'postgres', 100, 'poisson', 4, 1, 10, 100000000, 110000000, 1000000, 2100000000, 0)",
    );
    await old.run(
      "INSERT INTO open_loop_aggregates (run_id, target, offered_rate, scope, scheduled, completed, failed, late, dropped, achieved_rate, p50_ms, p99_ms, service_p50_ms, service_p99_ms, sessions, concurrent_sessions) VALUES ('r1', 'postgres', 100, 'all', 10, 10, 0, 0, 0, 90, 1, 2, 1, 2, 4, 1)",
    );
    await old.close();

    const db = await openStore(file);
    try {
      expect(await readLevelClientLoads(db, 'r1')).toEqual({
        sweep: [{ target: 'postgres', level: 4, load: null, inProcess: null }],
        openLoop: [{ target: 'postgres', level: 100, load: null, inProcess: null, lateThresholdMs: 1 }],
      });
      // the existing readers still work on the migrated rows
      expect((await readSweep(db, 'r1')).levels).toMatchObject([{ concurrency: 4, client_cpu_cores: null }]);
      expect((await readOpenLoop(db, 'r1')).levels).toMatchObject([{ offered_rate: 100, client_loop_delay_p99_ms: null }]);
      expect((await readOpenLoopAggregates(db, 'r1')).rows).toMatchObject([{ scope: 'all', queued: null, queue_wait_p99_ms: null }]);
    } finally {
      await db.close();
    }
  });

  it('a report of such a run says "not recorded" and raises no client warning; stale aggregates show n/a for the queue', async () => {
    const p = await tmpProfile({ iterations: 10, warmup: 1, verify_queries: 0, concurrency: [1, 8], sweep_requests: 4, rate: [400], rate_duration_s: 0.1, targets: ['postgres', 'pglite'],
      target_options: { postgres: { provision: 'existing', host: '127.0.0.1', port: 5433, user: 'postgres', database: 'unused', password_env: 'PB_PG_PASSWORD' }, pglite: { data_dir: join(tmpdir(), 'unused-pglite') } } });
    const db = await openStore(p.store);
    const { runId } = await writeSyntheticRun(db, { config: await loadConfig(p.config) });
    // The synthetic run records a load that warns (postgres × 8 clients, 400/s): forget it, as an old run never had it.
    for (const t of ['sweep_levels', 'open_loop_levels']) {
      await db.run(`UPDATE ${t} SET client_cpu_cores = NULL, client_loop_delay_p50_ms = NULL, client_loop_delay_p99_ms = NULL, client_loop_delay_max_ms = NULL, client_wall_s = NULL, client_in_process = NULL WHERE run_id = ?`, [runId]);
    }
    await db.close();
    await expectStagesOk(['--config', p.config], [aggregate]);
    const agg = await openStore(p.store);
    await agg.run('UPDATE open_loop_aggregates SET queued = NULL, queue_wait_mean_ms = NULL, queue_wait_p99_ms = NULL, queue_wait_max_ms = NULL');
    await agg.close();
    await expectStagesOk(['--config', p.config], [render]);
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/postgres \|\s+8 \|.*\| concurrent\s+\| not recorded \|\s+not recorded/);
    expect(table).toMatch(/postgres \|\s+400 \|.*\|\s+n\/a \|\s+n\/a \|.*\| not recorded \|\s+not recorded/);
    expect(table).not.toMatch(/CLIENT-BOUND|CLIENT-LATE/);
    expect(table).toMatch(/Wait for a free connection: none by construction/);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(json.concurrency_sweep.every((r: { client_load: unknown }) => r.client_load === 'not recorded')).toBe(true);
    expect(json.concurrency_sweep_client.warnings).toEqual([]);
    expect(json.open_loop.levels[0]).toMatchObject({ client_load: 'not recorded', queued: null, queue_wait_p99_ms: null });
    expect(json.open_loop.client_warnings).toEqual([]);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/<td class="num"><span class="muted">not recorded<\/span><\/td>/);
  });
});
