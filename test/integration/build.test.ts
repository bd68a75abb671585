import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * `make build` (scripts/build.mjs): the compiled tree that every make target runs. Built here into
 * a directory of this test's own inside the checkout (never build/, which other tests may be
 * running from), then a whole small benchmark is run from it, stage by stage as `make all` does:
 * that is what proves the compiled stages, the ground-truth worker and the WebAssembly kernel
 * find what they load next to themselves.
 */
describe('make build: the compiled stages', () => {
  const out = join(PROJECT_ROOT, `.build-test-${process.pid}`);
  let p: TmpProfile;

  beforeAll(async () => {
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--out', out], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    p = await tmpProfile({ targets: ['pglite'], target_options: { pglite: { data_dir: join(process.env.TMPDIR ?? '/tmp', `pb-build-test-${process.pid}`) } } });
  }, 150_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    if (p) await rm(p.dir, { recursive: true, force: true });
    await rm(join(process.env.TMPDIR ?? '/tmp', `pb-build-test-${process.pid}`), { recursive: true, force: true });
  });

  it('compiles every stage and copies the assets code loads beside itself', () => {
    const stages = readdirSync(join(PROJECT_ROOT, 'stages')).filter((f) => f.endsWith('.ts'));
    expect(stages.length).toBeGreaterThanOrEqual(7);
    for (const s of stages) expect(existsSync(join(out, 'stages', s.replace(/\.ts$/, '.js'))), s).toBe(true);
    for (const asset of ['lib/workload/top-k-kernel.wasm', 'lib/workload/ground-truth-worker.mjs', 'scripts/peak-rss.mjs']) expect(existsSync(join(out, asset)), asset).toBe(true);
    expect(existsSync(join(out, 'lib/workload/ground-truth-worker.js'))).toBe(true);
    // Tests are not part of the build.
    expect(existsSync(join(out, 'test'))).toBe(false);
  });

  it('compiled code finds the checkout root (package.json), not the build directory', () => {
    const mod = join(out, 'lib/env/package-version.js');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(mod)}); console.log(m.PROJECT_ROOT)`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(PROJECT_ROOT);
  });

  it('runs the whole pipeline compiled, as make all does, and renders a report', async () => {
    for (const stage of ['provision', 'validate', 'seed', 'warmup', 'measure', 'aggregate', 'render']) {
      const r = spawnSync(process.execPath, [join(out, 'stages', `${stage}.js`), '--config', p.config], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 180_000 });
      expect(r.status, `${stage} (compiled) exited ${r.status}:\n${r.stderr}`).toBe(0);
    }
    const latest = join(p.reports, 'latest');
    const results = JSON.parse(await readFile(join(latest, 'results.json'), 'utf8')) as { complete?: boolean; status?: string; rows?: unknown[] };
    expect(JSON.stringify(results)).toContain('pglite');
    expect(existsSync(join(latest, 'index.html'))).toBe(true);
  }, 240_000);

  it('make rebuilds when any source changes: every file under lib/, stages/ and scripts/ is a prerequisite of the build', () => {
    // make -p prints the rule database; the stamp's line lists its prerequisites as make sees them.
    const r = spawnSync('make', ['--no-print-directory', '-pq', 'build/.stamp'], { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('build/.stamp:'));
    expect(line, 'no rule for build/.stamp in the Makefile').toBeDefined();
    const prerequisites = new Set(line!.slice('build/.stamp:'.length).trim().split(/\s+/));
    const sources = spawnSync('git', ['ls-files', 'lib', 'stages', 'scripts'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).stdout.split('\n').filter((f) => f && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(100);
    for (const f of sources) expect(prerequisites.has(f), `${f} is not a prerequisite of build/.stamp`).toBe(true);
    expect(prerequisites.has('node_modules/.package-lock.json')).toBe(true);
  });
});
