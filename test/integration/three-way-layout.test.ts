import { readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { pgliteOptionsSchema } from '../../lib/targets/pglite/options.js';
import { pgliteWireOptionsSchema } from '../../lib/targets/pglite-wire/options.js';
import { loadTarget, registerTarget } from '../../lib/targets/registry.js';
import { captureOutput } from '../helpers/capture.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The three-way report layout without IRIS: stand-ins take the three target ids (iris-native →
 * in-process PGlite, iris-pgwire → pg over pglite-socket on the same database — one engine, two
 * paths, as with IRIS — and postgres → a second PGlite database). The pipeline fills the store;
 * the report must show all three targets and the iris-pgwire / iris-native overhead pair; seed
 * must load the shared database through iris-native (its loader preference), not list order.
 */
beforeAll(async () => {
  const standIn = (base: string, id: string, schema: typeof pgliteOptionsSchema | typeof pgliteWireOptionsSchema, loader?: 'preferred') =>
    registerTarget(id, { optionsSchema: schema, load: async () => {
      const m = await loadTarget(base);
      return { ...m, id, capabilities: { ...m.capabilities, ...(loader ? { loader } : {}) } };
    } }, { replace: true });
  // The iris-native stand-in keeps the real target's loader preference: seed must load the shared
  // database through it although iris-pgwire comes first in `targets`.
  const { target: irisNative } = await import('../../lib/targets/iris-native/index.js');
  standIn('pglite', 'iris-native', pgliteOptionsSchema, irisNative.capabilities.loader === 'preferred' ? 'preferred' : undefined);
  standIn('pglite-wire', 'iris-pgwire', pgliteWireOptionsSchema);
  standIn('pglite', 'postgres', pgliteOptionsSchema);
});

describe('three-way report layout with stand-in targets', () => {
  it('renders iris-pgwire, postgres and iris-native with the gateway-overhead pair', async () => {
    const p = await tmpProfile({ targets: ['iris-pgwire', 'postgres', 'iris-native'], gateway_pairs: [{ gateway: 'iris-pgwire', native: 'iris-native' }] });
    const profile = parse(await readFile(p.config, 'utf8'));
    profile.target_options = {
      'iris-native': { data_dir: p.dataDir },
      'iris-pgwire': { data_dir: p.dataDir, host: '127.0.0.1', port: 0 },
      postgres: { data_dir: `${p.dataDir}-postgres` },
    };
    await writeFile(p.config, stringify(profile));
    await expectStagesOk(['--config', p.config], [provision, validate]);
    const seeded = await captureOutput(() => seed(['--config', p.config]));
    expect(seeded.result, seeded.stderr).toBe(0);
    expect(seeded.stderr).toMatch(/: loaded through iris-native \(preferred loader\); iris-pgwire reads it back/);
    expect(seeded.stderr).toMatch(/\[seed\] iris-native: loaded [\d,]+ rows/);
    expect(seeded.stderr).not.toMatch(/iris-pgwire: loaded/);
    expect(seeded.stderr).toMatch(/\[seed\] iris-pgwire: fingerprint ok/);
    await expectStagesOk(['--config', p.config], [warmup, measure, aggregate, render]);
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    const overall = table.slice(table.indexOf('All queries'), table.indexOf('Category:'));
    expect(overall.split('\n').filter((l) => /^(iris-pgwire|postgres|iris-native)\s+\|/.test(l)).map((l) => l.split(' ')[0])).toEqual(['iris-pgwire', 'postgres', 'iris-native']);
    expect(table).toMatch(/Gateway overhead: .*\n\s+iris-pgwire vs iris-native, all queries/);
    expect(table).not.toMatch(/pglite-wire vs pglite/);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(Object.keys(results.results)).toEqual(['iris-pgwire', 'postgres', 'iris-native']);
    expect(results.gateway_overhead.map((g: { gateway: string; native: string }) => `${g.gateway}/${g.native}`)).toContain('iris-pgwire/iris-native');
    expect(results.comparisons.filter((c: { level: string }) => c.level === 'overall')).toHaveLength(3);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    for (const t of ['iris-pgwire', 'postgres', 'iris-native']) expect(html).toContain(`<code>${t}</code>`);
  });
});
