import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStageFlags, DEFAULT_CONFIG_FILE } from '../../lib/config/cli-flags.js';
import { loadConfig, resolveConfig } from '../../lib/config/load.js';
import { redact, REDACTED } from '../../lib/config/redact.js';
import { ConfigError, ExitCode, PathbenchError } from '../../lib/errors.js';

const EMBEDDED = fileURLToPath(new URL('../../config/embedded.yaml', import.meta.url));

/** Run fn, expect a ConfigError, return it. */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

async function configErrorOfAsync(fn: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** Smallest valid profile (scale small so a tiny dataset is accepted). */
const minimal = (extra: Record<string, unknown> = {}) => ({ scale: 'small', dataset_size: 1000, targets: ['pglite'], ...extra });

describe('loadConfig: config/embedded.yaml', () => {
  it('loads the embedded profile with its values', async () => {
    const c = await loadConfig(EMBEDDED);
    expect(c.source).toBe(EMBEDDED);
    expect(c.profile).toBe('embedded');
    expect(c.scale).toBe('small');
    expect(c.vector_dims).toBe(1024);
    expect(c.dataset_size).toBe(10_000);
    expect(c.iterations).toBe(200);
    expect(c.warmup).toBe(20);
    expect(c.seed).toBe(42);
    expect(c.k).toBe(5);
    expect(c.query_vector_pool).toBe(100);
    expect(c.vector_param_format).toBe('binary');
    expect(c.hnsw).toEqual({ m: 16, ef_construction: 64, ef_search: 40, iterative_scan: 'strict_order' });
    expect(c.targets).toEqual(['pglite', 'pglite-wire']);
    expect(c.target_options.pglite).toEqual({ data_dir: 'data/pglite' });
    // pglite-wire options get their schema defaults filled in (connect_timeout_s not in the YAML).
    expect(c.target_options['pglite-wire']).toEqual({ data_dir: 'data/pglite', host: '127.0.0.1', port: 0, connect_timeout_s: 10, query_mode: 'extended' });
    expect(c.store).toBe('data/bench.sqlite');
    expect(c.reports_dir).toBe('reports');
  });

  it('the default --config is config/embedded.yaml', () => {
    expect(DEFAULT_CONFIG_FILE).toBe('config/embedded.yaml');
    expect(parseStageFlags([]).config).toBe('config/embedded.yaml');
  });

  it('a missing file is a ConfigError (exit 2) naming the path', async () => {
    const missing = '/nonexistent-dir/pathbench/nope.yaml';
    const err = await configErrorOfAsync(() => loadConfig(missing));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(missing);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain(`"${missing}"`);
  });
});

describe('resolveConfig: defaults', () => {
  it('applies schema defaults when keys are omitted', () => {
    const c = resolveConfig(minimal(), {}, 'test');
    expect(c.vector_dims).toBe(1024);
    expect(c.iterations).toBe(1000);
    expect(c.warmup).toBe(100);
    expect(c.seed).toBe(42);
    expect(c.k).toBe(5);
    expect(c.query_vector_pool).toBe(100);
    expect(c.profile).toBe('custom');
    expect(c.vector_param_format).toBe('binary');
    expect(c.hnsw).toEqual({ m: 16, ef_construction: 64, ef_search: 40, iterative_scan: 'off' });
    expect(c.store).toBe('data/bench.sqlite');
    expect(c.reports_dir).toBe('reports');
    expect(c.target_options).toEqual({ pglite: { data_dir: 'data/pglite' } });
    expect(c.source).toBe('test');
  });

  it('scale defaults to production and dataset_size to 100,000', () => {
    const c = resolveConfig({ targets: ['pglite'] }, {}, 'test');
    expect(c.scale).toBe('production');
    expect(c.dataset_size).toBe(100_000);
  });

  it("refuses HNSW build parameters pgvector refuses (checked against PGlite's pgvector 0.8.7: SQLSTATE 22023), naming the field", () => {
    // m=16 with ef_construction=31: "ef_construction must be greater than or equal to 2 * m"; m=1 and ef_construction=3: out of bounds.
    expect(configErrorOf(() => resolveConfig(minimal({ hnsw: { m: 16, ef_construction: 31 } }), {}, 'test')).problems).toEqual([
      'hnsw.ef_construction: 31 is less than 2 × hnsw.m (16); pgvector refuses to build such an index: set ef_construction to at least 32, or lower m',
    ]);
    expect(configErrorOf(() => resolveConfig(minimal({ hnsw: { m: 40 } }), {}, 'test')).problems.join('\n')).toContain('set ef_construction to at least 80');
    expect(configErrorOf(() => resolveConfig(minimal({ hnsw: { m: 1 } }), {}, 'test')).problems.join('\n')).toMatch(/hnsw\.m/);
    expect(configErrorOf(() => resolveConfig(minimal({ hnsw: { ef_construction: 3, m: 2 } }), {}, 'test')).problems.join('\n')).toMatch(/hnsw\.ef_construction/);
    expect(resolveConfig(minimal({ hnsw: { m: 16, ef_construction: 32 } }), {}, 'test').hnsw.ef_construction).toBe(32);
  });

  it('fills only the omitted hnsw keys', () => {
    const c = resolveConfig(minimal({ hnsw: { m: 32 } }), {}, 'test');
    expect(c.hnsw).toEqual({ m: 32, ef_construction: 64, ef_search: 40, iterative_scan: 'off' });
  });

  it('an empty profile (null) only lacks targets', () => {
    const err = configErrorOf(() => resolveConfig(null, {}, 'empty.yaml'));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^targets:/);
    expect(err.message).toContain('empty.yaml');
  });

  it('a non-mapping profile is rejected', () => {
    const err = configErrorOf(() => resolveConfig([1, 2], {}, 'list.yaml'));
    expect(err.message).toContain('must be a YAML mapping');
    expect(err.message).toContain('[1,2]');
  });
});

describe('CLI overrides', () => {
  it('parseStageFlags maps every flag to its config key', () => {
    const f = parseStageFlags([
      '--config', 'x.yaml',
      '--vector-dims', '8',
      '--dataset-size', '2_000',
      '--iterations', '7',
      '--warmup', '0',
      '--seed', '123',
      '--targets', ' pglite-wire , ,pglite ',
      '--ef-search', '77',
      '--scale', 'small',
      '--k', '3',
      '--store', 's.sqlite',
      '--reports-dir', 'out',
      '--run', 'run-1',
      '--force',
    ]);
    expect(f.config).toBe('x.yaml');
    expect(f.run).toBe('run-1');
    expect(f.force).toBe(true);
    expect(f.help).toBe(false);
    expect(f.overrides).toEqual({
      vector_dims: 8,
      dataset_size: 2000,
      iterations: 7,
      warmup: 0,
      seed: 123,
      k: 3,
      'hnsw.ef_search': 77,
      targets: ['pglite-wire', 'pglite'],
      scale: 'small',
      store: 's.sqlite',
      reports_dir: 'out',
    });
  });

  it('no flags → no overrides', () => {
    const f = parseStageFlags([]);
    expect(f.overrides).toEqual({});
    expect(f.force).toBe(false);
    expect(f.keepServers).toBe(false);
    expect(f.run).toBeUndefined();
    expect(parseStageFlags(['--keep-servers']).keepServers).toBe(true);
  });

  it('flags win over the YAML profile', async () => {
    const f = parseStageFlags([
      '--vector-dims', '8',
      '--dataset-size', '500',
      '--iterations', '7',
      '--warmup', '3',
      '--seed', '99',
      '--targets', 'pglite',
      '--ef-search', '77',
      '--scale', 'small',
    ]);
    const c = await loadConfig(EMBEDDED, f.overrides);
    expect(c.vector_dims).toBe(8);
    expect(c.dataset_size).toBe(500);
    expect(c.iterations).toBe(7);
    expect(c.warmup).toBe(3);
    expect(c.seed).toBe(99);
    expect(c.targets).toEqual(['pglite']);
    // --ef-search overrides one nested key; the YAML's other hnsw keys survive.
    expect(c.hnsw).toEqual({ m: 16, ef_construction: 64, ef_search: 77, iterative_scan: 'strict_order' });
    expect(c.scale).toBe('small');
    // Only the selected target's options are resolved.
    expect(Object.keys(c.target_options)).toEqual(['pglite']);
    // Untouched YAML values remain.
    expect(c.k).toBe(5);
    expect(c.profile).toBe('embedded');
  });

  it('--scale production over the embedded profile (10,000 rows) is rejected', async () => {
    const err = await configErrorOfAsync(() => loadConfig(EMBEDDED, parseStageFlags(['--scale', 'production']).overrides));
    expect(err.message).toContain('dataset_size');
    expect(err.message).toContain('10000');
    expect(err.message).toContain('scale: small');
  });

  it('overrides do not mutate the raw profile object', () => {
    const raw = minimal({ hnsw: { m: 8 } });
    const snapshot = structuredClone(raw);
    resolveConfig(raw, { 'hnsw.ef_search': 99, iterations: 5 }, 'test');
    expect(raw).toEqual(snapshot);
  });

  it('a non-integer flag is rejected naming the flag and the value', () => {
    const err = configErrorOf(() => parseStageFlags(['--iterations', 'abc']));
    expect(err.exitCode).toBe(ExitCode.usage);
    expect(err.message).toContain('--iterations');
    expect(err.message).toContain('"abc"');
    expect(err.message).toContain('command line');
  });

  it('all bad flags are reported together', () => {
    const err = configErrorOf(() => parseStageFlags(['--vector-dims', '1.5', '--seed', '1e3', '--ef-search', 'x', '--targets', ',']));
    expect(err.problems).toHaveLength(4);
    expect(err.message).toContain('--vector-dims');
    expect(err.message).toContain('"1.5"');
    expect(err.message).toContain('--seed');
    expect(err.message).toContain('"1e3"');
    expect(err.message).toContain('--ef-search');
    expect(err.message).toContain('--targets');
  });

  it('an unknown flag is a ConfigError', () => {
    const err = configErrorOf(() => parseStageFlags(['--bogus', '1']));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('--bogus');
  });

  it('a negative seed passes the flag parser but is rejected by the schema', () => {
    const f = parseStageFlags(['--seed=-1']);
    expect(f.overrides).toEqual({ seed: -1 });
    const err = configErrorOf(() => resolveConfig(minimal(), f.overrides, 'test'));
    expect(err.message).toMatch(/seed: .*\(got -1\)/);
  });
});

describe('validation: every problem in one ConfigError', () => {
  it('vector_dims 0, iterations -1 and an unknown target are all reported at once', () => {
    const err = configErrorOf(() =>
      resolveConfig(minimal({ vector_dims: 0, iterations: -1, targets: ['pglite', 'oracle-db'] }), {}, 'bad.yaml'),
    );
    expect(err).toBeInstanceOf(PathbenchError);
    expect(err.exitCode).toBe(2);
    expect(err.name).toBe('ConfigError');
    expect(err.problems).toHaveLength(3);
    const m = err.message;
    expect(m).toContain('bad.yaml');
    expect(m).toMatch(/vector_dims: .*\(got 0\)/);
    expect(m).toMatch(/iterations: .*\(got -1\)/);
    expect(m).toMatch(/targets: unknown target "oracle-db"/);
    // The unknown-target message says what is allowed.
    expect(m).toContain('pglite, pglite-wire');
  });

  it('problems from CLI overrides are reported with the override value', () => {
    const err = configErrorOf(() => resolveConfig(minimal(), { vector_dims: 20_000, warmup: -5 }, 'test'));
    expect(err.problems).toHaveLength(2);
    expect(err.message).toMatch(/vector_dims: .*\(got 20000\)/);
    expect(err.message).toMatch(/warmup: .*\(got -5\)/);
  });

  it('dataset_size 5000 at production scale is rejected, pointing at `scale: small`', () => {
    const err = configErrorOf(() => resolveConfig({ scale: 'production', dataset_size: 5000, targets: ['pglite'] }, {}, 'test'));
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('dataset_size');
    expect(err.message).toContain('5000');
    expect(err.message).toContain('scale: small');
    expect(err.message).toContain('100,000');
  });

  it('dataset_size 5000 is accepted with scale small', () => {
    const c = resolveConfig({ scale: 'small', dataset_size: 5000, targets: ['pglite'] }, {}, 'test');
    expect(c.dataset_size).toBe(5000);
    expect(c.scale).toBe('small');
  });

  it('production scale accepts the boundaries 100,000 and 1,000,000', () => {
    expect(resolveConfig({ dataset_size: 100_000, targets: ['pglite'] }, {}, 't').dataset_size).toBe(100_000);
    expect(resolveConfig({ dataset_size: 1_000_000, targets: ['pglite'] }, {}, 't').dataset_size).toBe(1_000_000);
    const err = configErrorOf(() => resolveConfig({ dataset_size: 99_999, targets: ['pglite'] }, {}, 't'));
    expect(err.message).toContain('99999');
  });

  it('dataset_size 2,000,000 is rejected at any scale', () => {
    for (const scale of ['production', 'small']) {
      const err = configErrorOf(() => resolveConfig({ scale, dataset_size: 2_000_000, targets: ['pglite'] }, {}, 'test'));
      expect(err.message).toMatch(/dataset_size: .*\(got 2000000\)/);
    }
    const err = configErrorOf(() => resolveConfig({ dataset_size: 1_000_001, targets: ['pglite'] }, {}, 'test'));
    expect(err.message).toContain('1000001');
  });

  it('an unknown top-level key is rejected by name', () => {
    const err = configErrorOf(() => resolveConfig(minimal({ iteratoins: 5 }), {}, 'test'));
    expect(err.message).toContain('iteratoins: unknown key — did you mean "iterations"?');
  });

  it('an unknown key inside a target\'s options is rejected by path', () => {
    const err = configErrorOf(() => resolveConfig(minimal({ target_options: { pglite: { data_dri: 'x' } } }), {}, 'test'));
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('target_options.pglite');
    expect(err.message).toContain('data_dri');
  });

  it('target_options for an unknown target id is rejected', () => {
    const err = configErrorOf(() => resolveConfig(minimal({ target_options: { mysql: { host: 'h' } } }), {}, 'test'));
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('target_options.mysql');
    expect(err.message).toContain('unknown target');
  });

  it('a bad target option value is reported with its path and value', () => {
    const err = configErrorOf(() =>
      resolveConfig(minimal({ targets: ['pglite-wire'], target_options: { 'pglite-wire': { port: 70_000 } } }), {}, 'test'),
    );
    expect(err.message).toMatch(/target_options\.pglite-wire\.port: .*\(got 70000\)/);
  });

  it('a target listed twice is rejected', () => {
    const err = configErrorOf(() => resolveConfig(minimal({ targets: ['pglite', 'pglite'] }), {}, 'test'));
    expect(err.message).toContain('"pglite" is listed twice');
  });

  it('k greater than dataset_size is rejected', () => {
    const err = configErrorOf(() => resolveConfig(minimal({ dataset_size: 3, k: 5 }), {}, 'test'));
    expect(err.message).toContain('k: 5 exceeds dataset_size 3');
  });

  it('an empty target list is rejected', () => {
    const err = configErrorOf(() => resolveConfig(minimal({ targets: [] }), {}, 'test'));
    expect(err.message).toMatch(/^ {2}- targets:/m);
  });

  it('a bad scale value is rejected', () => {
    const err = configErrorOf(() => resolveConfig(minimal(), { scale: 'huge' }, 'test'));
    expect(err.message).toMatch(/scale: .*\(got "huge"\)/);
  });
});

describe('redact', () => {
  it('hides secret-looking keys at any depth, keeps password_env and other keys', () => {
    const input = {
      profile: 'p',
      iterations: 10,
      target_options: {
        postgres: {
          host: 'db',
          user: 'bench',
          password: 'hunter2',
          password_env: 'PGPASSWORD',
          tls: { client_secret: 's3cr3t', api_key: 'k-123', auth_token: 'tok', nested: [{ token: 'deep' }] },
        },
      },
      targets: ['postgres'],
    };
    const out = redact(input);
    expect(out.profile).toBe('p');
    expect(out.iterations).toBe(10);
    expect(out.targets).toEqual(['postgres']);
    const pg = out.target_options.postgres;
    expect(pg.host).toBe('db');
    expect(pg.user).toBe('bench');
    expect(pg.password).toBe(REDACTED);
    expect(pg.password_env).toBe('PGPASSWORD');
    expect(pg.tls.client_secret).toBe(REDACTED);
    expect(pg.tls.api_key).toBe(REDACTED);
    expect(pg.tls.auth_token).toBe(REDACTED);
    expect(pg.tls.nested[0]!.token).toBe(REDACTED);
    // Nothing secret survives anywhere in the serialised form.
    const json = JSON.stringify(out);
    for (const secret of ['hunter2', 's3cr3t', 'k-123', 'tok"', 'deep']) expect(json).not.toContain(secret);
    // The input is not mutated.
    expect(input.target_options.postgres.password).toBe('hunter2');
  });

  it('hides the password inside any scheme://user:password@ URL', () => {
    const out = redact({
      url: 'postgres://bench:hunter2@db.example:5432/bench',
      list: ['postgresql://u:p%40ss@h/db', 'see postgres://a:b@c and more'],
      plain: 'postgres://nopassword@h/db',
      other: 'https://x:y@z',
      query: 'postgres://h/db?sslmode=require&password=hunter2',
      kv: 'host=db password=hunter2 user=u',
      at: 'postgres://u:p@ss@h/db',
    });
    expect(out.url).toBe(`postgres://bench:${REDACTED}@db.example:5432/bench`);
    expect(out.list[0]).toBe(`postgresql://u:${REDACTED}@h/db`);
    expect(out.list[1]).toBe(`see postgres://a:${REDACTED}@c and more`);
    expect(out.plain).toBe('postgres://nopassword@h/db');
    expect(out.other).toBe(`https://x:${REDACTED}@z`);
    expect(out.query).toBe(`postgres://h/db?sslmode=require&password=${REDACTED}`);
    expect(out.kv).toBe(`host=db password=${REDACTED} user=u`);
    expect(out.at).toBe(`postgres://u:${REDACTED}@h/db`);
  });

  it('leaves empty/null secret values alone and non-objects unchanged', () => {
    expect(redact({ password: '', token: null })).toEqual({ password: '', token: null });
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBe(null);
    expect(redact('plain text')).toBe('plain text');
  });

  it('a resolved config survives redaction unchanged when it holds no secrets', async () => {
    const c = await loadConfig(EMBEDDED);
    expect(redact(c)).toEqual(c);
  });
});

describe('cross-field rules are reported together with schema errors', () => {
  it('an unknown key does not hide the production-scale and duplicate-target problems', () => {
    const err = configErrorOf(() =>
      resolveConfig({ bogus: 1, scale: 'production', dataset_size: 5000, targets: ['pglite', 'pglite'] }, {}, 'test'),
    );
    expect(err.message).toContain('bogus');
    expect(err.message).toContain('scale: small');
    expect(err.message).toContain('"pglite" is listed twice');
  });
});
