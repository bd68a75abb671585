import { existsSync } from 'node:fs';
import { readFile, readlink, readdir, rm } from 'node:fs/promises';
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
import { captureOutput } from '../helpers/capture.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * The whole pipeline on a tiny dataset against both embedded targets (real PGlite, real
 * pglite-socket, real pg), stage by stage, as `make all` runs it.
 */
describe('pipeline on the embedded targets', () => {
  let p: TmpProfile;
  let args: string[];
  const stageLog: string[] = [];

  const run = async (stage: (argv: string[]) => Promise<number>, extra: string[] = []) => {
    const { result, stderr, stdout } = await captureOutput(() => stage([...args, ...extra]));
    stageLog.push(stderr);
    return { code: result, stderr, stdout };
  };

  beforeAll(async () => {
    p = await tmpProfile();
    args = ['--config', p.config];
  });

  it('runs provision → render and writes a complete report', async () => {
    for (const stage of [provision, validate, seed, warmup, measure, aggregate]) {
      const r = await run(stage);
      expect(r.code, r.stderr).toBe(0);
    }
    const r = await run(render);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Method');

    const runId = await readlink(join(p.reports, 'latest'));
    const dir = join(p.reports, runId);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(results.report_id).toBe(runId);
    expect(results.config).toEqual({ vector_dimensions: 16, dataset_size: 300, iterations: 12 });
    expect(results.scale.below_production_scale).toBe(true);
    for (const t of ['pglite', 'pglite-wire']) {
      const r = results.results[t];
      expect(r.queries_executed).toBe(12 * 8);
      expect(r.queries_failed).toBe(0);
      expect(r.latency_p50_ms).toBeGreaterThan(0);
      expect(r.latency_p95_ms).toBeGreaterThanOrEqual(r.latency_p50_ms);
      expect(r.latency_p99_ms).toBeGreaterThanOrEqual(r.latency_p95_ms);
      expect(r.qps).toBeGreaterThan(0);
    }
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/^Method\s+\|\s+QPS\s+\|\s+P50 \(ms\)\s+\|\s+P95 \(ms\)\s+\|\s+P99 \(ms\)$/m);
    expect(table).toContain('below production scale');
    const charts = await readdir(join(dir, 'charts'));
    expect(charts.filter((f) => f.endsWith('.svg')).length).toBeGreaterThanOrEqual(2);
    expect(charts.filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(2);
    expect(charts.filter((f) => f.endsWith('.vl.json')).length).toBeGreaterThanOrEqual(2);
  });

  it('stored every sample, same parameters on both targets, and the same rows for deterministic queries', async () => {
    const db = await openStore(p.store);
    try {
      const run = await db.get<{ run_id: string; status: string }>("SELECT run_id, status FROM runs WHERE kind = 'measure' ORDER BY created_at DESC LIMIT 1");
      expect(run?.status).toBe('complete');
      const counts = await db.all<{ target: string; phase: string; n: number; ok: number }>(
        'SELECT target, phase, count(*) AS n, sum(ok) AS ok FROM samples WHERE run_id = ? GROUP BY target, phase ORDER BY target, phase',
        [run!.run_id],
      );
      expect(counts).toEqual([
        { target: 'pglite', phase: 'measure', n: 96, ok: 96 },
        { target: 'pglite', phase: 'warmup', n: 16, ok: 16 },
        { target: 'pglite-wire', phase: 'measure', n: 96, ok: 96 },
        { target: 'pglite-wire', phase: 'warmup', n: 16, ok: 16 },
      ]);
      // Row counts per (query, iteration) agree across the two paths.
      const diff = await db.get<{ n: number }>(
        `SELECT count(*) AS n FROM samples a JOIN samples b
           ON a.run_id = b.run_id AND a.query_id = b.query_id AND a.iteration = b.iteration AND a.phase = b.phase
         WHERE a.run_id = ? AND a.target = 'pglite' AND b.target = 'pglite-wire' AND a.row_count != b.row_count`,
        [run!.run_id],
      );
      expect(diff?.n).toBe(0);
      const fps = await db.all<{ target: string; matches: number; row_count: number }>('SELECT target, matches, row_count FROM dataset_fingerprints ORDER BY target');
      expect(fps).toEqual([
        { target: 'pglite', matches: 1, row_count: 300 },
        { target: 'pglite-wire', matches: 1, row_count: 300 },
      ]);
      const stages = await db.all<{ stage: string; status: string }>('SELECT stage, status FROM stage_executions ORDER BY id');
      expect(stages.map((s) => s.stage)).toEqual(['provision', 'validate', 'seed', 'warmup', 'measure', 'aggregate', 'render']);
      expect(new Set(stages.map((s) => s.status))).toEqual(new Set(['ok']));
    } finally {
      await db.close();
    }
  });

  it('re-renders identical numbers offline, with the engine data deleted', async () => {
    const runId = await readlink(join(p.reports, 'latest'));
    const before = await readFile(join(p.reports, runId, 'results.json'), 'utf8');
    await rm(p.reports, { recursive: true, force: true });
    await rm(p.dataDir, { recursive: true, force: true }); // no database left at all
    expect((await run(aggregate)).code).toBe(0);
    expect((await run(render)).code).toBe(0);
    const after = await readFile(join(p.reports, runId, 'results.json'), 'utf8');
    expect(after).toBe(before);
  });

  it('a re-run of measure on deleted engine data fails and names the stage to run first', async () => {
    // The store still says "seeded", but measure opens the database and must not measure an
    // empty one: with the data gone, the target's own database has no dataset.
    const r = await run(measure);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no pathbench dataset.*make seed/s);
  });
});

describe('stages run out of order', () => {
  it('measure on an empty store fails with exit 2 and names the stage to run first', async () => {
    const p = await tmpProfile();
    const { result, stderr } = await captureOutput(() => measure(['--config', p.config]));
    expect(result).toBe(2);
    expect(stderr).toMatch(/make seed/);
  });

  it('render without a measurement run names measure', async () => {
    const p = await tmpProfile();
    const { result, stderr } = await captureOutput(() => render(['--config', p.config]));
    expect(result).toBe(2);
    expect(stderr).toMatch(/make measure/);
  });

  it('a bad flag exits 2 and writes nothing', async () => {
    const p = await tmpProfile();
    const { result, stderr } = await captureOutput(() => provision(['--config', p.config, '--iterations', '0', '--vector-dims', 'x']));
    expect(result).toBe(2);
    expect(stderr).toContain('--vector-dims');
    expect(existsSync(p.store)).toBe(false);
  });
});
