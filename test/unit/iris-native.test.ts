import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import type { ResolvedConfig } from '../../lib/config/load.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { ExitCode, errorText } from '../../lib/errors.js';
import { readMarker } from '../../lib/pipeline/marker.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import { bindFor } from '../../lib/targets/bind.js';
import { irisNativeOptionsSchema } from '../../lib/targets/iris-native/options.js';
import { IrisSdkMissingError, loadIrisSdk, type Iris, type IrisConnectionInfo, type IrisObject, type IrisSdk } from '../../lib/targets/iris-native/sdk.js';
import { SERVER_CLASS, ensureServerClass, readServerClass } from '../../lib/targets/iris-native/server-class.js';
import { connectNative, target } from '../../lib/targets/iris-native/index.js';
import { metadataPages, vectorPages } from '../../lib/targets/iris-native/batch-pages.js';
import { serverCalls } from '../../lib/targets/iris-native/server-calls.js';
import type { Session } from '../../lib/targets/interface.js';
import { irisDialect } from '../../lib/targets/iris-sql/dialect.js';
import { IrisSqlError } from '../../lib/targets/iris-sql/errors.js';
import { loadTarget } from '../../lib/targets/registry.js';
import { vectorBatches, metadataFor } from '../../lib/workload/generator.js';

/**
 * The iris-native adapter against a test double of the documented Native SDK surface
 * (createConnection → Connection.createIris → Iris.classMethodValue / classMethodObject →
 * IRISObject.invoke; Connection.close; server errors thrown as Node.js Errors). The double answers
 * PathBench.SQL's methods with scripted JSON replies and records every call, so these tests pin
 * what goes over the wire: one classMethodValue call per query, arguments in bind order.
 */

type Call = { className: string; method: string; args: unknown[] };

class FakeIris implements Iris {
  calls: Call[] = [];
  version: number | undefined = readServerClass(PROJECT_ROOT).version;
  replies: unknown[] = [];
  saved: { namespace: unknown; name: unknown; text: string } | undefined;
  compiled = false;
  throwOnCall: Error | undefined;

  classMethodValue(className: string, method: string, ...args: unknown[]): unknown {
    this.calls.push({ className, method, args });
    if (this.throwOnCall) throw this.throwOnCall;
    if (className === SERVER_CLASS && method === 'Version') {
      // The SDK throws a Node.js Error when the class does not exist on the server.
      if (this.version === undefined) throw new Error(`<CLASS DOES NOT EXIST> *${SERVER_CLASS}`);
      return this.version;
    }
    if (className === SERVER_CLASS) return this.replies.length ? this.replies.shift() : JSON.stringify({ rows: [], rowCount: 1 });
    if (className === '%Compiler.UDL.TextServices' && method === 'SetTextFromStream') {
      this.saved = { namespace: args[0], name: args[1], text: (args[2] as FakeStream).text };
      return 1;
    }
    if (className === '%SYSTEM.OBJ' && method === 'Compile') {
      this.compiled = true;
      this.version = readServerClass(PROJECT_ROOT).version;
      return 1;
    }
    throw new Error(`unexpected call ${className}.${method}`);
  }

  classMethodObject(className: string, method: string): IrisObject {
    this.calls.push({ className, method, args: [] });
    if (className !== '%Stream.GlobalCharacter' || method !== '%New') throw new Error('unexpected object');
    return new FakeStream();
  }

  getAPIVersion(): string {
    return '9.9.9';
  }
}

class FakeStream implements IrisObject {
  text = '';
  invoke(method: string, ...args: unknown[]): unknown {
    if (method !== 'Write') throw new Error(`unexpected ${method}`);
    this.text += String(args[0]);
    return 1;
  }
}

function fakeSdk(iris: FakeIris, opts: { refuse?: string } = {}): IrisSdk & { infos: IrisConnectionInfo[]; closed: number } {
  const sdk = {
    infos: [] as IrisConnectionInfo[],
    closed: 0,
    createConnection(info: IrisConnectionInfo) {
      sdk.infos.push(info);
      if (opts.refuse) throw new Error(opts.refuse);
      return {
        createIris: () => iris,
        close: () => {
          sdk.closed++;
        },
      };
    },
  };
  return sdk;
}

const options = irisNativeOptionsSchema.parse({});

/**
 * The calls a session's worker thread makes (server-calls.ts), run in process against the double;
 * the worker plumbing around them is tested in iris-native-worker.test.ts.
 */
function session(iris: FakeIris) {
  const calls = serverCalls(iris);
  return {
    query: async (sql: string, params?: readonly unknown[]) => calls.query(sql, params),
    exec: async (script: string) => calls.exec(script),
  } as Pick<Session, 'query' | 'exec'>;
}

describe('iris-native: loading the SDK', () => {
  it('a missing SDK names every place looked at and says `make iris-sdk` (exit 3)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-iris-'));
    let err: unknown;
    try {
      loadIrisSdk(root);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IrisSdkMissingError);
    expect((err as IrisSdkMissingError).exitCode).toBe(ExitCode.targetUnavailable);
    const msg = errorText(err);
    expect(msg).toContain('run `make iris-sdk`');
    for (const where of ['vendor/iris-nodejs/intersystems-iris: not found', 'vendor/iris-nodejs/intersystems-iris-native: not found', 'node_modules/intersystems-iris: not found', 'node_modules/intersystems-iris-native: not found']) {
      expect(msg).toContain(where);
    }
  });

  it('open() of the registered target fails the same way, so validate reports it as unavailable', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-iris-'));
    const t = await loadTarget('iris-native');
    await expect(t.open({ options: irisNativeOptionsSchema.parse({}), root })).rejects.toThrow(/IRIS Native SDK for Node\.js is not installed.*make iris-sdk/);
  });

  it('refuses a package of that name that is not the Native SDK (the npm community "intersystems-iris")', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-iris-'));
    const dir = join(root, 'node_modules', 'intersystems-iris');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'intersystems-iris', version: '0.2.0', main: 'index.js' }));
    await writeFile(join(dir, 'index.js'), 'class IRIS { constructor() {} }\nmodule.exports = { IRIS };\n');
    expect(() => loadIrisSdk(root)).toThrow(/node_modules\/intersystems-iris: not the InterSystems Native SDK \(no createConnection export\)/);
  });

  it('loads an SDK from sdk_path (relative to the project root) and reports its version', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-iris-'));
    const dir = join(root, 'sdk', 'intersystems-iris');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'intersystems-iris', version: '3.1.4', main: 'index.js' }));
    await writeFile(join(dir, 'index.js'), 'exports.createConnection = (info) => ({ info, createIris() { return {}; }, close() {} });\n');
    const loaded = loadIrisSdk(root, 'sdk/intersystems-iris');
    expect(loaded.label).toBe('sdk_path sdk/intersystems-iris 3.1.4');
    expect(typeof loaded.sdk.createConnection).toBe('function');
    expect(() => loadIrisSdk(root, 'sdk/elsewhere')).toThrow(/sdk_path sdk\/elsewhere: not found/);
  });
});

describe('iris-native: connecting', () => {
  it('passes the documented connectionInfo fields (host, port, ns, user, pwd, sharedmemory, timeout)', () => {
    const iris = new FakeIris();
    const sdk = fakeSdk(iris);
    const o = irisNativeOptionsSchema.parse({ host: 'db', port: 51773, namespace: 'BENCH', user: 'bench', password: 'pw', connect_timeout_s: 7 });
    connectNative(sdk, o);
    expect(sdk.infos).toEqual([{ host: 'db', port: 51773, ns: 'BENCH', user: 'bench', pwd: 'pw', sharedmemory: false, timeout: 7 }]);
  });

  it('a closed port names the address and what to do', () => {
    const sdk = fakeSdk(new FakeIris(), { refuse: '<COMMUNICATION LINK ERROR> Failed to connect to server; Details: Connection refused' });
    expect(() => connectNative(sdk, options)).toThrow(
      /cannot connect to IRIS at 127\.0\.0\.1:1972\/USER as _SYSTEM: <COMMUNICATION LINK ERROR> .*; start IRIS \(docker compose up -d --wait iris\) or set provision: docker/,
    );
    expect(target.isConnectionLoss(new Error('<COMMUNICATION LINK ERROR> Failed to connect to server'))).toBe(true);
  });

  it('the password comes from password_env, else the throwaway default SYS', async () => {
    const { resolveIrisNativePassword } = await import('../../lib/targets/iris-native/options.js');
    expect(resolveIrisNativePassword(options, { PB_IRIS_PASSWORD: 'secret' })).toBe('secret');
    expect(resolveIrisNativePassword(options, {})).toBe('SYS');
  });
});

describe('iris-native: one round trip per query', () => {
  it('query() is exactly one classMethodValue("PathBench.SQL", "Query", sql, ...params) call', async () => {
    const iris = new FakeIris();
    iris.replies.push(JSON.stringify({ rows: [[3, 0.125], [9, 0.5]], types: [4, 8] }));
    const call = bindFor(target, 'vector_cosine', ['0.6,0.8', 2], { dims: 2, k: 2 });
    const r = await session(iris).query(call.sql, call.params);
    expect(iris.calls).toEqual([{ className: SERVER_CLASS, method: 'Query', args: [call.sql, '0.6,0.8', '0.6,0.8'] }]);
    expect(r).toEqual({ rowCount: 2, rows: [[3, 0.125], [9, 0.5]] });
  });

  it('timestamp columns come back as Date in UTC, other values as sent, NULL as null', async () => {
    const iris = new FakeIris();
    iris.replies.push(JSON.stringify({ rows: [[1, 'vector_1', 'category_1', '2025-01-01 00:00:01', null]], types: [4, 12, 12, 93, 12] }));
    const r = await session(iris).query(irisDialect.join, ['vector_1']);
    expect(r.rows[0]).toEqual([1, 'vector_1', 'category_1', new Date(Date.UTC(2025, 0, 1, 0, 0, 1)), null]);
  });

  it('an SQL error reply becomes IrisSqlError; a missing table reads as "never seeded" (42P01)', async () => {
    const iris = new FakeIris();
    iris.replies.push(JSON.stringify({ error: { sqlcode: -1, message: 'Invalid SQL statement' } }));
    const s = session(iris);
    await expect(s.query('SELEC 1')).rejects.toBeInstanceOf(IrisSqlError);
    expect(target.isConnectionLoss(new IrisSqlError(-1, 'x'))).toBe(false);
    iris.replies.push(JSON.stringify({ error: { sqlcode: -30, message: "Table 'SQLUSER.PATHBENCH_DATASET' not found" } }));
    const t = { id: 'iris-native', module: target, ctx: { options, root: PROJECT_ROOT }, session: s } as unknown as OpenTarget;
    expect(await readMarker(t)).toBeUndefined();
    iris.replies.push(JSON.stringify({ rows: [['ds-1', 'hnsw(m=16)']], types: [12, 12] }));
    expect(await readMarker(t)).toEqual({ datasetId: 'ds-1', indexSpec: 'hnsw(m=16)' });
  });

  it('"no marker yet" does not rest on AsSQLCODE(): SQLCODE -30, or the %Status / DB-API text of a missing table', async () => {
    const t = (iris: FakeIris) => ({ id: 'iris-native', module: target, ctx: { options, root: PROJECT_ROOT }, session: session(iris) }) as unknown as OpenTarget;
    const missing = [
      { sqlcode: -30, message: "Table 'SQLUSER.PATHBENCH_DATASET' not found" },
      // A failed %Prepare as PathBench.SQL v2 reports it: the %Status text, with whatever SQLCODE AsSQLCODE() gave.
      { sqlcode: -400, message: "ERROR #5540: SQLCODE: -30 Message: Table 'SQLUSER.PATHBENCH_DATASET' not found" },
      { sqlcode: -1, message: '[SQLCODE: <-30>:<Table or view not found>]' },
    ];
    for (const error of missing) {
      const iris = new FakeIris();
      iris.replies.push(JSON.stringify({ error }));
      expect(await readMarker(t(iris)), error.message).toBeUndefined();
    }
    // Any other error is not "never seeded": it surfaces.
    for (const error of [{ sqlcode: -400, message: 'ERROR #5540: SQLCODE: -300 Message: something else' }, { sqlcode: -29, message: "Field 'DATASET_ID' not found in the applicable tables" }]) {
      const iris = new FakeIris();
      iris.replies.push(JSON.stringify({ error }));
      await expect(readMarker(t(iris))).rejects.toThrow(error.message);
    }
  });

  it('exec() sends each statement of a script separately', async () => {
    const iris = new FakeIris();
    await session(iris).exec(irisDialect.drop_tables);
    expect(iris.calls.map((c) => c.args[0])).toEqual([
      'DROP TABLE IF EXISTS benchmark_metadata',
      'DROP TABLE IF EXISTS benchmark_vectors',
      'DROP TABLE IF EXISTS pathbench_dataset',
    ]);
  });

  it('vector pages go to PathBench.SQL.Batch with {dims} filled and vectors as text; a batch completes on its last page', () => {
    const iris = new FakeIris();
    const calls = serverCalls(iris);
    const spec = { size: 250, dims: 1024, seed: 3 };
    const done: number[] = [];
    for (const page of vectorPages(irisDialect.copy_vectors, vectorBatches(spec, 200))) {
      calls.batch(page.sql, page.rowsJson);
      if (page.completes) done.push(page.completes);
    }
    expect(done).toEqual([200, 50]);
    const batches = iris.calls.filter((c) => c.method === 'Batch');
    expect(batches.map((c) => (JSON.parse(String(c.args[1])) as unknown[]).length)).toEqual([91, 91, 18, 50]);
    expect(batches[0]!.args[0]).toBe('INSERT INTO benchmark_vectors (id, embedding) VALUES (?, TO_VECTOR(?, FLOAT, 1024))');
    const first = (JSON.parse(String(batches[0]!.args[1])) as [number, string][])[0]!;
    const [batch] = [...vectorBatches(spec, 1)];
    expect(first[0]).toBe(1);
    expect(first[1].split(',').map(Number)).toEqual([...batch!.data]);
  });

  it('metadata pages carry ODBC UTC timestamps', () => {
    const iris = new FakeIris();
    const calls = serverCalls(iris);
    for (const page of metadataPages(irisDialect.copy_metadata, [[metadataFor(1), metadataFor(2)]])) calls.batch(page.sql, page.rowsJson);
    expect(JSON.parse(String(iris.calls[0]!.args[1]))).toEqual([
      [1, 'vector_1', 'category_1', '2025-01-01 00:00:01'],
      [2, 'vector_2', 'category_2', '2025-01-01 00:00:02'],
    ]);
  });
});

describe('iris-native: the server class', () => {
  it('provision loads iris/PathBench.SQL.cls through the SDK when the class is missing, and not again', () => {
    const iris = new FakeIris();
    iris.version = undefined;
    const source = readServerClass(PROJECT_ROOT);
    expect(ensureServerClass(iris, 'USER', source)).toBe(`loaded ${SERVER_CLASS} v${source.version} in USER`);
    expect(iris.saved).toEqual({ namespace: 'USER', name: SERVER_CLASS, text: source.text });
    expect(iris.compiled).toBe(true);
    expect(iris.calls.find((c) => c.method === 'Compile')!.args).toEqual([SERVER_CLASS, 'ck-d']);
    iris.calls = [];
    expect(ensureServerClass(iris, 'USER', source)).toBe(`${SERVER_CLASS} v${source.version} already loaded in USER`);
    expect(iris.calls.map((c) => c.method)).toEqual(['Version']);
  });

  it('the class file declares what the adapter calls: Version, Query(sql, args...), Batch(sql, rowsJson)', () => {
    const { text } = readServerClass(PROJECT_ROOT);
    expect(text).toMatch(/^Class PathBench\.SQL Extends %RegisteredObject$/m);
    expect(text).toMatch(/ClassMethod Version\(\) As %Integer/);
    expect(text).toMatch(/ClassMethod Query\(sql As %String, args\.\.\.\) As %String/);
    expect(text).toMatch(/ClassMethod Batch\(sql As %String, rowsJson As %String\) As %String/);
    expect(text).toMatch(/Set stmt\.%SelectMode = 1/);
    expect(text).toMatch(/stmt\.%Execute\(args\.\.\.\)/);
  });

  it('a session is not opened on a server without the class: run `make provision`', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pathbench-iris-'));
    const dir = join(root, 'vendor', 'iris-nodejs', 'intersystems-iris');
    await mkdir(join(root, 'iris'), { recursive: true });
    await writeFile(join(root, 'iris', 'PathBench.SQL.cls'), readServerClass(PROJECT_ROOT).text);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'intersystems-iris', version: '1.0.0', main: 'index.js' }));
    // A stand-in SDK module whose server has no PathBench.SQL.
    await writeFile(
      join(dir, 'index.js'),
      "exports.createConnection = () => ({ createIris: () => ({ classMethodValue() { throw new Error('<CLASS DOES NOT EXIST> *PathBench.SQL'); } }), close() {} });\n",
    );
    await expect(target.open({ options, root })).rejects.toThrow(/PathBench\.SQL is not loaded in namespace USER at 127\.0\.0\.1:1972\/USER; run `make provision`/);
  });
});

describe('iris-native: the module', () => {
  it('declares the IRIS dialect, its bind order and built-in vectors with rows read-back', () => {
    expect(target.dialect).toBe(irisDialect);
    expect(target.bindOrder?.vector_filter).toEqual([0, 1, 0]);
    expect(target.capabilities).toMatchObject({ vectorSupport: 'builtin', fingerprintReadBack: 'rows', copy: false });
    expect(target.encodeVector(Float32Array.of(0.5, -1), 'binary')).toBe('0.5,-1');
    expect(target.databaseKey({ options, root: '/' })).toBe('iris:127.0.0.1:1972/USER');
    expect(target.describe(options)).toMatch(/Native SDK for Node\.js → IRIS superserver at 127\.0\.0\.1:1972\/USER .*PathBench\.SQL/);
  });
});

describe('iris-native: the write queries (docs/writes.md) against the double', () => {
  const vars = { dims: 2, k: 5 };

  it('insert_one and update_metadata are one Query call each, parameters in catalogue order; rows affected come from the reply\'s rowCount', async () => {
    const iris = new FakeIris();
    iris.replies.push(JSON.stringify({ rows: [], rowCount: 1 }), JSON.stringify({ rows: [], rowCount: 1 }));
    const insert = bindFor(target, 'insert_one', [10_001, '0.6,0.8'], vars);
    const update = bindFor(target, 'update_metadata', ['written-5', 42], vars);
    expect(insert.sql).toBe('INSERT INTO benchmark_vectors (id, embedding) VALUES (?, TO_VECTOR(?, FLOAT, 2))');
    expect(update.sql).toBe('UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?');
    const s = session(iris);
    expect(await s.query(insert.sql, insert.params)).toEqual({ rowCount: 1, rows: [] });
    expect(await s.query(update.sql, update.params)).toEqual({ rowCount: 1, rows: [] });
    expect(iris.calls).toEqual([
      { className: SERVER_CLASS, method: 'Query', args: [insert.sql, 10_001, '0.6,0.8'] },
      { className: SERVER_CLASS, method: 'Query', args: [update.sql, 'written-5', 42] },
    ]);
  });

  it('delete_insert is two Query calls in one request, DELETE then INSERT of the same row; rows affected 1 + 1; a failed DELETE sends no INSERT', async () => {
    const { queryCallFor, sendCall } = await import('../../lib/measure/prepare.js');
    const iris = new FakeIris();
    iris.replies.push(JSON.stringify({ rows: [], rowCount: 1 }), JSON.stringify({ rows: [], rowCount: 1 }));
    const t = { module: target, ctx: { options, root: PROJECT_ROOT } };
    const call = queryCallFor(t, 'delete_insert', [42, 'vector_42', 'category_2', '2025-01-01 00:00:42'], vars);
    expect(call).toEqual({
      sql: 'DELETE FROM benchmark_metadata WHERE vector_id = ?', params: [42],
      then: { sql: 'INSERT INTO benchmark_metadata (vector_id, label, category, created_at) VALUES (?, ?, ?, ?)', params: [42, 'vector_42', 'category_2', '2025-01-01 00:00:42'] },
    });
    const s = session(iris);
    expect(await sendCall(s, call)).toMatchObject({ rowCount: 2, rows: [] });
    expect(iris.calls.map((c) => c.args)).toEqual([[call.sql, 42], [call.then!.sql, 42, 'vector_42', 'category_2', '2025-01-01 00:00:42']]);
    iris.calls.length = 0;
    iris.throwOnCall = new Error('[SQLCODE: <-114>:<One or more matching rows is locked>]');
    await expect(sendCall(s, call)).rejects.toThrow(/SQLCODE: <-114>/);
    expect(iris.calls).toHaveLength(1);
  });

  it('the undo deletes the rows above the dataset, restores the written labels to the generator\'s, and puts back a metadata row a half-done delete_insert left deleted', async () => {
    const { undoWrites } = await import('../../lib/pipeline/write-undo.js');
    const iris = new FakeIris();
    iris.replies.push(
      JSON.stringify({ rows: [], rowCount: 4 }), JSON.stringify({ rows: [[5], [9]], types: [4] }), JSON.stringify({ rows: [], rowCount: 1 }), JSON.stringify({ rows: [], rowCount: 1 }),
      JSON.stringify({ rows: [[7]], types: [4] }), JSON.stringify({ rows: [], rowCount: 1 }),
    );
    const t = { id: 'iris-native', type: 'iris-native', module: target, ctx: { options, root: PROJECT_ROOT }, session: session(iris) } as unknown as OpenTarget;
    expect(await undoWrites([t, { ...t, id: 'iris-pgwire' }], { dataset_size: 1000 } as ResolvedConfig)).toEqual({ rows: 4, labels: 2, missing: 1 });
    // once per database: the second target has the same databaseKey
    expect(iris.calls.map((c) => c.args)).toEqual([
      ['DELETE FROM benchmark_vectors WHERE id > ?', 1000],
      ['SELECT vector_id FROM benchmark_metadata WHERE label LIKE ? ORDER BY vector_id', 'written-%'],
      ['UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?', metadataFor(5).label, 5],
      ['UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?', metadataFor(9).label, 9],
      [irisDialect.missing_metadata_ids, 1000],
      [irisDialect.delete_insert_reinsert, 7, 'vector_7', 'category_7', '2025-01-01 00:00:07'],
    ]);
  });
});
