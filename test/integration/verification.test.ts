import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { writeFile } from 'node:fs/promises';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import type { TargetModule } from '../../lib/targets/interface.js';
import { pgliteOptionsSchema } from '../../lib/targets/pglite/options.js';
import { loadTarget, registerTarget } from '../../lib/targets/registry.js';
import { captureOutput } from '../helpers/capture.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The checks must catch real breakage. Test-only targets (real PGlite underneath):
 *  - pglite-reversed: cosine kNN sorted DESC (the original benchmark's bug: least similar first);
 *  - pglite-b: a second PGlite database, whose data a test then corrupts.
 */
beforeAll(() => {
  registerTarget('pglite-reversed', {
    optionsSchema: pgliteOptionsSchema,
    load: async () => {
      const base = await loadTarget('pglite');
      return {
        ...base,
        id: 'pglite-reversed',
        dialect: { ...base.dialect, vector_cosine: base.dialect.vector_cosine.replace('ORDER BY embedding <=> $1', 'ORDER BY embedding <=> $1 DESC') },
      } satisfies TargetModule;
    },
  });
  registerTarget('pglite-b', { optionsSchema: pgliteOptionsSchema, load: async () => ({ ...(await loadTarget('pglite')), id: 'pglite-b' }) });
});

async function runStages(args: string[], stages: ((argv: string[]) => Promise<number>)[]) {
  for (const stage of stages) {
    const { result, stderr } = await captureOutput(() => stage(args));
    if (result !== 0) return { result, stderr };
  }
  return { result: 0, stderr: '' };
}

describe('verification catches a broken path', () => {
  it('a reversed ORDER BY shows up as a recall collapse, in words a user cannot miss', async () => {
    const p = await tmpProfile({ targets: ['pglite', 'pglite-reversed'], verify_queries: 10 });
    const profile = { ...(await import('yaml')).parse(await readFile(p.config, 'utf8')) };
    profile.target_options = { pglite: { data_dir: p.dataDir }, 'pglite-reversed': { data_dir: p.dataDir } };
    await writeFile(p.config, stringify(profile));
    const r = await runStages(['--config', p.config], [provision, validate, seed, warmup, measure, aggregate, render]);
    expect(r.result, r.stderr).toBe(0);
    const runId = await readlink(join(p.reports, 'latest'));
    const table = await readFile(join(p.reports, runId, 'table.txt'), 'utf8');
    expect(table).toMatch(/!!! pglite-reversed \/ vector_cosine: RECALL COLLAPSE/);
    expect(table).not.toMatch(/!!! pglite \/ vector_cosine/);
    const results = JSON.parse(await readFile(join(p.reports, runId, 'results.json'), 'utf8'));
    const row = results.verification.rows.find((v: { target: string; query: string }) => v.target === 'pglite-reversed' && v.query === 'vector_cosine');
    expect(row.verdict).toBe('recall collapse');
    expect(row.recall_mean).toBeLessThan(0.1);
    const good = results.verification.rows.find((v: { target: string; query: string }) => v.target === 'pglite' && v.query === 'vector_cosine');
    expect(good.verdict).toBe('ok');
    expect(good.recall_mean).toBeGreaterThan(0.5);
  });

  it('one changed row in one target fails the data check, naming that target', async () => {
    const p = await tmpProfile({ targets: ['pglite', 'pglite-b'] });
    const profile = (await import('yaml')).parse(await readFile(p.config, 'utf8'));
    const dirB = `${p.dataDir}-b`;
    profile.target_options = { pglite: { data_dir: p.dataDir }, 'pglite-b': { data_dir: dirB } };
    await writeFile(p.config, stringify(profile));
    const args = ['--config', p.config];
    expect((await runStages(args, [provision, validate, seed])).result).toBe(0);

    // Change one vector component in pglite-b's database only.
    const { PGlite } = await import('@electric-sql/pglite');
    const { vector } = await import('@electric-sql/pglite-pgvector');
    const db = await PGlite.create({ dataDir: dirB, extensions: { vector } });
    await db.exec("UPDATE benchmark_vectors SET embedding = (SELECT embedding FROM benchmark_vectors WHERE id = 2) WHERE id = 1");
    await db.close();

    const { result, stderr } = await captureOutput(() => seed(args)); // no reload: marker matches, read-back must catch it
    expect(result).toBe(1);
    expect(stderr).toMatch(/- pglite-b: read back 300 rows/);
    expect(stderr).not.toMatch(/- pglite: read back/);
    const m = await captureOutput(() => measure(args));
    expect(m.result).toBe(2);
    expect(m.stderr).toMatch(/pglite-b: the data read back did not match the generator/);
  });
});
