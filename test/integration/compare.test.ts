import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as compare } from '../../stages/compare.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import type { CompareReport } from '../../lib/render/compare-report.js';
import { readAggregates } from '../../lib/store/aggregates.js';
import { openStore } from '../../lib/store/open.js';
import { createRun, finishRun, getRun, setRunEnvironment, type RunRow } from '../../lib/store/runs.js';
import { readSamples, writeSamples } from '../../lib/store/samples.js';
import { captureOutput } from '../helpers/capture.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * Run comparison on the embedded targets: two real measurement runs on the same seeded data, plus
 * runs written straight into the store (a copy of the first with every latency doubled, a failed
 * one, one with a different setup) to make the verdicts deterministic.
 */
describe('make compare', () => {
  let p: TmpProfile;
  let args: string[];
  let r1: string;
  let r2: string;
  let slow: string;

  const run = async (stage: (argv: string[]) => Promise<number>, extra: string[] = []) => {
    const { result, stderr, stdout } = await captureOutput(() => stage([...args, ...extra]));
    return { code: result, stderr, stdout };
  };
  const readReport = async (base: string, head: string) =>
    JSON.parse(await readFile(join(p.reports, `compare-${base}-vs-${head}`, 'compare.json'), 'utf8')) as CompareReport;

  /** A copy of run `from` under a new id, its samples transformed, marked complete. */
  async function copyRun(from: string, id: string, o: { scale?: number; config?: (c: Record<string, unknown>) => void; env?: (e: Record<string, any>) => void; status?: 'complete' | 'failed' } = {}) {
    const db = await openStore(p.store);
    try {
      const src = (await getRun(db, from)) as RunRow;
      const config = JSON.parse(src.config_json) as Record<string, unknown>;
      o.config?.(config);
      await createRun(db, { ...src, run_id: id, config_json: JSON.stringify(config) });
      const env = JSON.parse(src.environment_json!) as Record<string, any>;
      o.env?.(env);
      await setRunEnvironment(db, id, env);
      const samples = [...(await readSamples(db, from, 'warmup')), ...(await readSamples(db, from, 'measure'))];
      await writeSamples(db, samples.map((s) => ({ ...s, run_id: id, elapsed_ns: s.elapsed_ns * (o.scale ?? 1) })));
      if (o.status === 'failed') await finishRun(db, id, 'failed', null, 'target pglite-wire lost during measure');
      else await finishRun(db, id, 'complete', src.wall_ns! * (o.scale ?? 1));
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    p = await tmpProfile();
    args = ['--config', p.config];
    for (const stage of [provision, validate, seed, warmup, measure, measure]) {
      const r = await run(stage);
      expect(r.code, r.stderr).toBe(0);
    }
    const db = await openStore(p.store);
    const ids = await db.all<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'measure' ORDER BY created_at, rowid");
    await db.close();
    expect(ids).toHaveLength(2);
    [r1, r2] = ids.map((x) => x.run_id) as [string, string];
    slow = `${r1}-x2`;
    await copyRun(r1, slow, { scale: 2 });
  });

  it('compares two real runs: exit 0 without a threshold, compare.json/.txt/index.html written', async () => {
    const r = await run(compare, ['--base', r1, '--head', r2]);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(p.reports, `compare-${r1}-vs-${r2}`);
    for (const f of ['compare.json', 'compare.txt', 'index.html']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(r.stdout).toBe(await readFile(join(dir, 'compare.txt'), 'utf8'));
    expect(r.stdout).toContain(`pathbench comparison ${r1} → ${r2}`);
    expect(r.stdout).toContain('threshold: none');

    const c = await readReport(r1, r2);
    expect(c.threshold_pct).toBeNull();
    expect(c.regressions).toEqual([]);
    // Same profile, same data: nothing in dataset or config differs.
    expect(c.setup_differences.filter((d) => d.kind !== 'environment')).toEqual([]);
    const byLevel = (l: string) => c.rows.filter((x) => x.level === l);
    expect(byLevel('query')).toHaveLength(2 * 8);
    expect(byLevel('category')).toHaveLength(2 * 3);
    expect(byLevel('overall')).toHaveLength(2);
    expect(c.summary.compared).toBe(16);
    expect(c.summary.faster + c.summary.slower + c.summary.no_significant_difference).toBe(16);
    for (const row of c.rows) {
      expect(['faster', 'slower', 'no significant difference']).toContain(row.verdict);
      const perCategory: Record<string, number> = { simple: 36, vector_similarity: 36, complex_join: 24 };
      expect(row.base.count).toBe(row.level === 'query' ? 12 : row.level === 'overall' ? 96 : perCategory[row.key]);
      expect(row.ratio_low!).toBeLessThanOrEqual(row.ratio_high!);
      if (row.mw_p! > 0.05) expect(row.verdict).toBe('no significant difference');
    }
    // Sorted by effect size within each level.
    const effects = byLevel('query').map((x) => x.effect!);
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<table class="results">');
    expect(html).not.toMatch(/<script|https?:\/\//);

    // Deterministic: the same two runs give the same file.
    const again = await run(compare, ['--base', r1, '--head', r2]);
    expect(again.code).toBe(0);
    expect(JSON.stringify(await readReport(r1, r2))).toBe(JSON.stringify(c));
  });

  it("each side's percentiles and QPS equal the run's stored aggregates", async () => {
    expect((await run(aggregate, ['--run', r1])).code).toBe(0);
    const c = await readReport(r1, r2);
    const db = await openStore(p.store);
    const aggs = await readAggregates(db, r1);
    await db.close();
    for (const row of c.rows) {
      const a = aggs.find((x) => x.target === row.target && x.level === row.level && x.key === row.key)!;
      expect([row.base.p50_ms, row.base.p95_ms, row.base.p99_ms, row.base.count, row.base.failed]).toEqual([a.p50_ms, a.p95_ms, a.p99_ms, a.count, a.failed]);
      expect(row.base.qps).toBeCloseTo(a.qps!, 9);
    }
  });

  it('a doubled latency over the threshold is a regression: exit 1, named in the message', async () => {
    const r = await run(compare, ['--base', r1, '--head', slow, '--threshold', '50']);
    expect(r.code, r.stderr).toBe(1);
    // All queries: judged query by query (every query's median doubled: the geometric mean is exactly 2).
    expect(r.stderr).toContain("regression: pglite/all queries p50 +100.0% (query by query: geometric mean of its queries' p50 ratios) > threshold 50%");
    expect(r.stderr).toContain("regression: pglite-wire/all queries p50 +100.0% (query by query: geometric mean of its queries' p50 ratios) > threshold 50%");
    expect(r.stderr).toMatch(/regression: pglite(-wire)?\/(simple|vector|join)[a-z_]* p50 \+100\.0% > threshold 50%/);
    const c = await readReport(r1, slow);
    expect(c.regressions.length).toBeGreaterThan(2);
    for (const row of c.rows) {
      expect(row.p50_change_pct).toBeCloseTo(100, 9);
      expect(row.p95_change_pct).toBeCloseTo(100, 9);
      expect(row.qps_change_pct).toBeCloseTo(-50, 9);
    }
    expect(c.rows.filter((x) => x.level !== 'query').every((x) => x.verdict === 'slower')).toBe(true);
    expect(c.rows.filter((x) => x.level !== 'query').every((x) => x.by_query?.verdict === 'slower' && Math.abs(x.by_query.ratio - 2) < 1e-9)).toBe(true);
    expect(r.stdout).toContain('REGRESSIONS');
    // The files are written even when the comparison fails.
    expect(existsSync(join(p.reports, `compare-${r1}-vs-${slow}`, 'index.html'))).toBe(true);
    expect(await readFile(join(p.reports, `compare-${r1}-vs-${slow}`, 'index.html'), 'utf8')).toContain('class="slower');
  });

  it('the same slowdown under the threshold, or a speed-up, exits 0', async () => {
    const under = await run(compare, ['--base', r1, '--head', slow, '--threshold', '150%']);
    expect(under.code, under.stderr).toBe(0);
    expect(under.stdout).toContain('No regression: no significant p50 slowdown above 150%');
    const faster = await run(compare, ['--base', slow, '--head', r1, '--threshold', '0']);
    expect(faster.code, faster.stderr).toBe(0);
    const c = await readReport(slow, r1);
    expect(c.rows.filter((x) => x.level === 'overall').map((x) => x.verdict)).toEqual(['faster', 'faster']);
  });

  it('flags runs whose dataset, config or environment differ', async () => {
    const other = `${r1}-other-setup`;
    await copyRun(r1, other, {
      config: (c) => {
        c.iterations = 13;
        (c.hnsw as Record<string, unknown>).ef_search = 80;
      },
      env: (e) => {
        e.client.git_commit = 'feedbeef';
        e.client.node = 'v22.0.0';
        e.targets.pglite.server_version = 'PostgreSQL 99';
      },
    });
    const r = await run(compare, ['--base', r1, '--head', other]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('DIFFERENT SETUPS');
    expect(r.stderr).toMatch(/WARNING: the two runs differ in setup/);
    const c = await readReport(r1, other);
    expect(c.same_setup).toBe(false);
    const fields = Object.fromEntries(c.setup_differences.map((d) => [d.field, d]));
    expect(fields.iterations).toMatchObject({ kind: 'config', base: '12', head: '13' });
    expect(fields['hnsw.ef_search']).toMatchObject({ kind: 'config', base: '40', head: '80' });
    expect(fields['client.git_commit']).toMatchObject({ kind: 'environment', head: 'feedbeef' });
    expect(fields['client.node']).toMatchObject({ kind: 'environment', base: process.version, head: 'v22.0.0' });
    expect(fields['targets.pglite.server_version']).toMatchObject({ kind: 'environment', head: 'PostgreSQL 99' });
    expect(Object.keys(fields).some((f) => f.startsWith('harness.'))).toBe(false);
  });

  it('refuses runs that cannot be compared, naming the run and what to do', async () => {
    const missing = await run(compare, ['--base', 'no-such-run', '--head', r2]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--base no-such-run: no such run.*make runs/);

    const failed = `${r1}-failed`;
    await copyRun(r1, failed, { status: 'failed' });
    const f = await run(compare, ['--base', r1, '--head', failed]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`--head ${failed} is failed (target pglite-wire lost during measure); only complete measurement runs can be compared`);

    const db = await openStore(p.store);
    const w = (await db.get<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'warmup'"))!.run_id;
    await db.close();
    const wr = await run(compare, ['--base', w, '--head', r2]);
    expect(wr.code).toBe(2);
    expect(wr.stderr).toContain(`--base ${w} is a warmup run`);

    const same = await run(compare, ['--base', r2, '--head', r2]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('same run');

    const bad = await run(compare, ['--base', r1, '--head', r2, '--threshold', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--threshold');
  });

  it('without --base/--head compares the newest complete run with the one before it', async () => {
    const r = await run(compare);
    expect(r.code, r.stderr).toBe(0);
    const db = await openStore(p.store);
    const ids = (await db.all<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'measure' AND status = 'complete' ORDER BY created_at DESC, rowid DESC LIMIT 2")).map((x) => x.run_id);
    await db.close();
    expect(r.stderr).toContain(`comparing base ${ids[1]} with head ${ids[0]}`);
  });
});
