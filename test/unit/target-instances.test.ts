import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/load.js';
import { typeOf } from '../../lib/config/target-instances.js';
import { ConfigError } from '../../lib/errors.js';
import { setupDifferences } from '../../lib/pipeline/compare.js';
import type { RunRow } from '../../lib/store/runs.js';

/** Issue 16, item 1: named target instances in a profile. */
const base = { scale: 'small', dataset_size: 300 };
const resolve = (raw: Record<string, unknown>, overrides: Record<string, unknown> = {}) => resolveConfig({ ...base, ...raw }, overrides, 'p.yaml');
const problemsOf = (raw: Record<string, unknown>, overrides: Record<string, unknown> = {}) => {
  try {
    resolve(raw, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
};

describe('named target instances', () => {
  it('a plain type is an instance named after it; a mapping names an instance of a type with its options inline', () => {
    const c = resolve({ targets: ['postgres', { name: 'pg-bouncer', type: 'postgres', port: 6432, query_mode: 'simple' }] });
    expect(c.targets).toEqual(['postgres', 'pg-bouncer']);
    expect(c.target_types).toEqual({ postgres: 'postgres', 'pg-bouncer': 'postgres' });
    expect(c.target_options['postgres']).toMatchObject({ port: 5433, query_mode: 'extended' });
    expect(c.target_options['pg-bouncer']).toMatchObject({ port: 6432, query_mode: 'simple', host: '127.0.0.1' });
    expect(typeOf(c, 'pg-bouncer')).toBe('postgres');
  });

  it('a profile without instances resolves as before (every name is its type)', () => {
    const c = resolve({ targets: ['pglite', 'pglite-wire'], target_options: { pglite: { data_dir: 'x' } } });
    expect(c.targets).toEqual(['pglite', 'pglite-wire']);
    expect(c.target_types).toEqual({ pglite: 'pglite', 'pglite-wire': 'pglite-wire' });
    expect(c.target_options['pglite']).toMatchObject({ data_dir: 'x' });
  });

  it('an instance may take its options from target_options.<name> instead', () => {
    const c = resolve({ targets: [{ name: 'second', type: 'postgres' }], target_options: { second: { port: 6000 } } });
    expect(c.target_options['second']).toMatchObject({ port: 6000 });
  });

  it('--targets selects instances the profile defines, by name', () => {
    const c = resolve({ targets: ['postgres', { name: 'pg-bouncer', type: 'postgres', port: 6432 }] }, { targets: ['pg-bouncer'] });
    expect(c.targets).toEqual(['pg-bouncer']);
    expect(c.target_options['pg-bouncer']).toMatchObject({ port: 6432 });
  });

  it('option errors name the instance and its type, with the known keys of that type', () => {
    const m = problemsOf({ targets: ['postgres', { name: 'pg-bouncer', type: 'postgres', port: 'x', prot: 1 }] });
    expect(m).toMatch(/targets\.pg-bouncer\.port: .*\(got "x"\) \(instance "pg-bouncer", type postgres\)/);
    expect(m).toMatch(/targets\.pg-bouncer\.prot: unknown key — did you mean "port"\?/);
    expect(m).toMatch(/known keys in targets\.pg-bouncer: provision, url, host, port/);
  });

  it('duplicate names, unknown types, a name that is another type, options in two places: every problem in one message', () => {
    const m = problemsOf({
      targets: ['postgres', { name: 'postgres', type: 'postgres' }, { name: 'a', type: 'nope' }, { name: 'pglite', type: 'postgres' }, { name: 'b', type: 'postgres', port: 1 }],
      target_options: { b: { port: 2 } },
    });
    expect(m).toContain('targets: instance "postgres" is listed twice; instance names must be unique');
    expect(m).toContain('targets: instance "a": unknown type "nope"; known types: ');
    expect(m).toContain('targets: instance "pglite" (type postgres) is named like the target type "pglite"');
    expect(m).toContain('targets: instance "b": options are given both inline and under target_options.b; give them in one place');
  });

  it('a name must be safe in file names and comma-joined lists; a list entry must be a type or a mapping', () => {
    const m = problemsOf({ targets: [{ name: 'a,b', type: 'postgres' }, 42] });
    expect(m).toMatch(/targets\.0\.name: expected 1–64 letters, digits/);
    expect(m).toMatch(/targets\.1: expected a target type \(e\.g\. postgres\) or a mapping \{name, type, …options\} \(got 42\)/);
  });

  it('an unknown name in --targets or target_options lists the types and the instances the profile defines', () => {
    const m = problemsOf({ targets: ['postgres', { name: 'pg-bouncer', type: 'postgres' }], target_options: { 'pg-bounce': {} } }, { targets: ['pg-bounce'] });
    expect(m).toContain('targets: unknown target "pg-bounce"; known targets: pglite, pglite-wire, postgres, iris-pgwire, iris-native; instances defined in the profile: pg-bouncer');
    expect(m).toContain('target_options.pg-bounce: unknown target;');
  });

  it('an inline password is never echoed and never reaches the resolved targets list', () => {
    const m = problemsOf({ targets: [{ name: 'p2', type: 'postgres', password: 'hunter2', port: 'x' }] });
    expect(m).not.toContain('hunter2');
    const c = resolve({ targets: [{ name: 'p2', type: 'postgres', password: 'hunter2' }] });
    expect(JSON.stringify(c.targets)).not.toContain('hunter2');
  });

  it('compare: the same name on another type is a config difference; a run from before instances does not differ from a plain one', () => {
    const run = (config: Record<string, unknown>) => ({ dataset_id: 'd', targets_json: '["p"]', config_json: JSON.stringify(config), environment_json: null }) as unknown as RunRow;
    const diff = setupDifferences(run({ targets: ['p'] }), run({ targets: ['p'], target_types: { p: 'pglite' } }), [{ target: 'p', type: 'postgres' }], [{ target: 'p', type: 'pglite' }]);
    expect(diff).toEqual([{ kind: 'config', field: 'target_types.p', base: 'postgres', head: 'pglite' }]);
    expect(setupDifferences(run({ targets: ['p'] }), run({ targets: ['p'], target_types: { p: 'p' } }), [{ target: 'p', type: 'p' }], [{ target: 'p', type: 'p' }])).toEqual([]);
  });
});
