import { describe, expect, it } from 'vitest';
import { pgvectorDialect } from '../../lib/targets/pgvector-sql/dialect.js';
import { resolveConfig } from '../../lib/config/load.js';
import { irisBindOrder, irisDialect } from '../../lib/targets/iris-sql/dialect.js';
import { irisPgwireModule } from '../../lib/targets/iris-pgwire/index.js';
import { irisPgwireOptionsSchema, resolveIrisPgwirePassword } from '../../lib/targets/iris-pgwire/options.js';
import { pgvectorGatewayBindOrder, pgvectorGatewayDialect } from '../../lib/targets/iris-pgwire/pgvector-gateway-dialect.js';
import type { StatementId } from '../../lib/targets/dialect.js';
import { QUERY_IDS } from '../../lib/workload/queries.js';

/**
 * iris-pgwire without a gateway: the option that chooses the dialect, what each mode declares,
 * and the registered module's delegation (its SQL depends on an option the registry cannot pass).
 * The live tests are in test/integration/iris-pgwire.test.ts.
 */
describe('iris-pgwire options', () => {
  it('defaults to IRIS SQL through the gateway published on 127.0.0.1:5434, namespace USER, user _SYSTEM', () => {
    expect(irisPgwireOptionsSchema.parse({})).toEqual({
      dialect: 'iris', provision: 'existing', host: '127.0.0.1', port: 5434, database: 'USER', user: '_SYSTEM', query_mode: 'extended',
      password_env: 'PB_IRIS_PASSWORD', connect_timeout_s: 10, iris_host: '127.0.0.1', iris_port: 1972,
    });
  });

  it('validates through the config loader, naming bad values', () => {
    const base = { scale: 'small', dataset_size: 100, targets: ['iris-pgwire'] };
    expect(resolveConfig({ ...base, target_options: { 'iris-pgwire': { dialect: 'pgvector', port: 5433 } } }, {}, 'x').target_options['iris-pgwire']).toMatchObject({ dialect: 'pgvector', port: 5433 });
    expect(() => resolveConfig({ ...base, target_options: { 'iris-pgwire': { dialect: 'mysql', provision: 'local' } } }, {}, 'x')).toThrow(
      /target_options\.iris-pgwire\.dialect: .*"mysql"[^]*target_options\.iris-pgwire\.provision: .*"local"/,
    );
  });

  it('reads the password from password_env; the docker-provisioned IRIS defaults to SYS', () => {
    const o = irisPgwireOptionsSchema.parse({});
    expect(resolveIrisPgwirePassword(o, { PB_IRIS_PASSWORD: 'x' })).toBe('x');
    expect(resolveIrisPgwirePassword(o, {})).toBeUndefined();
    expect(resolveIrisPgwirePassword({ ...o, provision: 'docker' }, {})).toBe('SYS');
  });
});

describe('iris-pgwire modes', () => {
  const iris = irisPgwireModule('iris');
  const pgv = irisPgwireModule('pgvector');
  const ctx = (o: Record<string, unknown>) => ({ options: irisPgwireOptionsSchema.parse(o), root: '/' });

  it('iris mode sends IRIS SQL with its bind order, vectors as text, built-in vectors, rows read-back', () => {
    expect(iris.dialect).toBe(irisDialect);
    expect(iris.bindOrder).toBe(irisBindOrder);
    expect(iris.capabilities).toMatchObject({ vectorSupport: 'builtin', fingerprintReadBack: 'rows', copy: false });
    expect(iris.encodeVector(Float32Array.of(0.25, 1), 'binary')).toBe('0.25,1');
    // keyed like iris-native: the same IRIS, loaded once
    expect(iris.databaseKey(ctx({}))).toBe('iris:127.0.0.1:1972/USER');
  });

  it('pgvector mode: IRIS SQL for everything but the measured queries, text vectors only, keyed like iris mode', () => {
    expect(pgv.dialect).toBe(pgvectorGatewayDialect);
    expect(pgv.bindOrder).toBe(pgvectorGatewayBindOrder);
    for (const id of Object.keys(irisDialect) as StatementId[]) {
      if (!(QUERY_IDS as readonly string[]).includes(id) && id !== 'delete_insert_reinsert') expect(pgv.dialect[id], id).toBe(irisDialect[id as keyof typeof irisDialect]);
    }
    expect(pgv.capabilities).toMatchObject({ vectorSupport: 'builtin', fingerprintReadBack: 'rows', copy: false, efSearch: 'fixed' });
    expect(Object.keys(pgv.capabilities.unsupportedQueries ?? {}).sort()).toEqual(['vector_cosine', 'vector_filter', 'vector_inner_product', 'vector_l2']);
    // delete_insert runs on every path now, as two statements (QUERY_STEPS).
    expect(iris.capabilities.queriesWithoutStatement).toBeUndefined();
    expect(pgv.dialect.delete_insert_reinsert).toBe(pgvectorDialect.delete_insert_reinsert);
    expect(iris.capabilities.unsupportedQueries).toBeUndefined();
    // never vector_send bytes, whatever vector_param_format says
    expect(pgv.encodeVector(Float32Array.of(1, 0.5), 'binary')).toBe('[1,0.5]');
    expect(pgv.encodeVector(Float32Array.of(1, 2), 'text')).toBe('[1,2]');
    expect(pgv.databaseKey(ctx({ dialect: 'pgvector' }))).toBe('iris:127.0.0.1:1972/USER');
  });

  it('describe() states the dialect', () => {
    expect(iris.describe({})).toMatch(/^pg \S+ → the iris-pgwire gateway at 127\.0\.0\.1:5434\/USER \(user _SYSTEM, dialect iris, provision existing\)$/);
    expect(pgv.describe({ dialect: 'pgvector' })).toMatch(/the iris-pgwire gateway at .*dialect pgvector: measured queries in pgvector SQL for the gateway to translate, the rest IRIS SQL/);
  });

  it('the registered module takes its dialect from the options of the last databaseKey/provision/open', async () => {
    const { target } = await import('../../lib/targets/iris-pgwire/index.js');
    target.databaseKey(ctx({ dialect: 'pgvector' }));
    expect(target.dialect).toBe(pgvectorGatewayDialect);
    expect(target.capabilities.unsupportedQueries?.vector_l2).toMatch(/<->/);
    target.databaseKey(ctx({ dialect: 'iris' }));
    expect(target.dialect).toBe(irisDialect);
    expect(target.bindOrder).toBe(irisBindOrder);
    expect(target.capabilities.fingerprintReadBack).toBe('rows');
  });

  it('a closed port names the gateway, its address and how to start it', async () => {
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(iris.open(ctx({ port, connect_timeout_s: 3 }))).rejects.toThrow(
      new RegExp(`cannot connect to the iris-pgwire gateway at 127\\.0\\.0\\.1:${port}/USER: .*ECONNREFUSED.*docker compose up -d --wait iris-pgwire`),
    );
  });
});
