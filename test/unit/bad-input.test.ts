import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStageFlags } from '../../lib/config/cli-flags.js';
import { loadConfig, resolveConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';

/**
 * Bad input of every kind: one clear message naming the field and the value, exit code 2, and —
 * since the error is thrown before any store is opened — nothing written (the stage-level test
 * in test/integration/pipeline.test.ts checks that no store file appears).
 */
const base = { scale: 'small', dataset_size: 1000, targets: ['pglite'] };

const profiles: [string, Record<string, unknown>, RegExp][] = [
  ['zero dimensions', { vector_dims: 0 }, /vector_dims: .*\(got 0\)/],
  ['negative iterations', { iterations: -5 }, /iterations: .*\(got -5\)/],
  ['iterations as text', { iterations: 'many' }, /iterations: .*\(got "many"\)/],
  ['fractional warmup', { warmup: 1.5 }, /warmup: .*\(got 1.5\)/],
  ['seed too large', { seed: 2 ** 40 }, /seed: .*\(got 1099511627776\)/],
  ['production scale too small', { scale: 'production', dataset_size: 5000 }, /dataset_size: 5000 is below production scale.*scale: small/],
  ['dataset above the maximum', { dataset_size: 2_000_000 }, /dataset_size: .*\(got 2000000\)/],
  ['unknown scale', { scale: 'huge' }, /scale: .*\(got "huge"\)/],
  ['misspelled key', { itreations: 10 }, /itreations: unknown key — did you mean "iterations"\?/],
  ['misspelled nested key', { hnsw: { ef_serch: 10 } }, /hnsw\.ef_serch: unknown key — did you mean "ef_search"\?/],
  ['ef_search out of range', { hnsw: { ef_search: 5000 } }, /hnsw\.ef_search: .*\(got 5000\)/],
  ['unknown target', { targets: ['oracle'] }, /targets: unknown target "oracle"; known targets: .*pglite/],
  ['duplicated target', { targets: ['pglite', 'pglite'] }, /targets: "pglite" is listed twice/],
  ['empty target list', { targets: [] }, /targets: /],
  ['targets not a list', { targets: 'pglite' }, /targets: .*\(got "pglite"\)/],
  ['options of an unknown target', { target_options: { mysql: {} } }, /target_options\.mysql: unknown target/],
  ['misspelled target option', { targets: ['pglite-wire'], target_options: { 'pglite-wire': { prot: 5 } } }, /target_options\.pglite-wire\.prot: unknown key — did you mean "port"\?/],
  ['port out of range', { targets: ['postgres'], target_options: { postgres: { port: 70000 } } }, /target_options\.postgres\.port: .*\(got 70000\)/],
  ['bad provisioning mode', { targets: ['postgres'], target_options: { postgres: { provision: 'magic' } } }, /target_options\.postgres\.provision: .*\(got "magic"\)/],
  ['password_env not a variable name', { targets: ['postgres'], target_options: { postgres: { password_env: 'my password' } } }, /password_env: must be an environment variable name/],
  ['non-postgres URL', { targets: ['postgres'], target_options: { postgres: { url: 'mysql://h/db' } } }, /url: must start with postgres:\/\//],
  ['k larger than the dataset', { dataset_size: 3, k: 5 }, /k: 5 exceeds dataset_size 3/],
  ['bad vector parameter format', { vector_param_format: 'json' }, /vector_param_format: .*\(got "json"\)/],
  ['bad distribution', { distribution: 'gaussian' }, /distribution: .*\(got "gaussian"\)/],
  ['gateway pair with extra key', { gateway_pairs: [{ gateway: 'a', native: 'b', extra: 1 }] }, /gateway_pairs\.0\.extra: unknown key/],
];

describe('bad configuration: one clear message, exit code 2', () => {
  it.each(profiles)('%s', (_, patch, expected) => {
    let err: unknown;
    try {
      resolveConfig({ ...base, ...patch }, {}, 'test.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as ConfigError).message).toMatch(expected);
  });

  it('all problems of one profile come in one message', () => {
    expect(() => resolveConfig({ ...base, vector_dims: 0, iterations: -1, itrations: 2, targets: ['oracle'] }, {}, 'x')).toThrow(
      /vector_dims[\s\S]*iterations[\s\S]*itrations[\s\S]*oracle|vector_dims[\s\S]*oracle/,
    );
  });
});

const flags: [string, string[], RegExp][] = [
  ['non-numeric --iterations', ['--iterations', 'abc'], /--iterations: expected an integer, got "abc"/],
  ['unknown flag', ['--iteration', '5'], /Unknown option '--iteration'/],
  ['empty --targets', ['--targets', ','], /--targets: expected a comma-separated list/],
  ['non-numeric --ef-search', ['--ef-search', 'high'], /--ef-search: expected an integer, got "high"/],
  ['stray positional argument', ['measure'], /Unexpected argument 'measure'/],
];

describe('bad flags', () => {
  it.each(flags)('%s', (_, argv, expected) => {
    expect(() => parseStageFlags(argv)).toThrow(ConfigError);
    expect(() => parseStageFlags(argv)).toThrow(expected);
  });
});

describe('bad files', () => {
  it('a missing profile names the path', async () => {
    await expect(loadConfig('/nonexistent/profile.yaml')).rejects.toThrow(/cannot read profile "\/nonexistent\/profile.yaml"/);
  });
  it('malformed YAML says so', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-bad-'));
    await writeFile(join(dir, 'p.yaml'), 'targets: [pglite\nscale: : small\n');
    await expect(loadConfig(join(dir, 'p.yaml'))).rejects.toThrow(/not valid YAML/);
  });
  it('a YAML list instead of a mapping is rejected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-bad-'));
    await writeFile(join(dir, 'p.yaml'), '- a\n- b\n');
    await expect(loadConfig(join(dir, 'p.yaml'))).rejects.toThrow(/the profile must be a YAML mapping/);
  });
});
