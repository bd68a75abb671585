import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { loadConfig } from '../../lib/config/load.js';
import { workloadShape } from '../../lib/pipeline/session-setup.js';
import { closeSessions, loadTargets, openSessions, type OpenTarget } from '../../lib/pipeline/targets.js';
import { bindFor, queryVars } from '../../lib/targets/bind.js';
import type { Session } from '../../lib/targets/interface.js';
import { irisPgwireModule } from '../../lib/targets/iris-pgwire/index.js';
import { irisPgwireOptionsSchema } from '../../lib/targets/iris-pgwire/options.js';
import { metadataChunkHashFromRows, vectorChunkHashFromRows } from '../../lib/targets/row-fingerprint.js';
import { metadataFor, vectorBatches } from '../../lib/workload/generator.js';
import { FINGERPRINT_CHUNK, canonicalVectorBytes, chunkRanges, md5Hex, metadataChunkText } from '../../lib/workload/fingerprint.js';
import { paramSequence, queryVectorPool } from '../../lib/workload/params.js';
import { QUERIES } from '../../lib/workload/queries.js';
import { canonicalValue, isoFromTimestampText } from '../../lib/verify/result-hash.js';
import { callFor, queryCallFor, sendCall, type PreparedCall } from '../../lib/measure/prepare.js';
import { irisDialect } from '../../lib/targets/iris-sql/dialect.js';
import { QUERY_MODES } from '../../lib/targets/query-mode.js';
import { expectStagesOk } from '../helpers/stages.js';
import { PG_TEST_DB, pgTestServer, pgTestTargetOptions, preparePgTestDatabase, skipLiveTests } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * iris-pgwire LIVE over the PostgreSQL wire protocol, without IRIS and without a gateway (neither
 * can run here): the server is the PostgreSQL + pgvector of test/helpers/postgres.ts.
 *  - `dialect: pgvector`: its measured queries are pgvector SQL, so PostgreSQL can run them. The
 *    test database is seeded through the postgres target, and every measured query, bound by
 *    bindFor exactly as measure binds it, must return the same rows through an iris-pgwire
 *    pgvector-mode session as the postgres target's own statements do. (Its setup statements are
 *    IRIS SQL, which PostgreSQL cannot run: test/unit/iris-pgwire*.test.ts pins them, and the
 *    unsupported-query mechanism it relies on runs live in test/integration/unsupported-queries.test.ts.)
 *  - `dialect: iris`: the wire plumbing (numbered `?`, one transaction per batch of text vectors,
 *    UTC timestamps, rows read back and hashed in Node), with PostgreSQL-compatible statements.
 * Required under CI=true, like the postgres conformance tests.
 */
const pgProblem = await preparePgTestDatabase();
const skipLive = skipLiveTests('iris-pgwire live', pgProblem);

/** iris-pgwire options pointing at the test PostgreSQL instead of a gateway. */
function optionsAtTestServer(dialect: 'iris' | 'pgvector'): Record<string, unknown> {
  const s = pgTestServer();
  return { dialect, provision: 'existing', host: s.host, port: s.port, database: PG_TEST_DB, user: s.user, password_env: 'PB_PG_PASSWORD' };
}

/** Drivers and paths differ in types and in the last bits of a distance; ids, order and text must not. */
function normalize(v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/.test(v)) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  // pg paths keep timestamps as text (lib/targets/pg-session.ts); PGlite in process returns a Date.
  if (typeof v === 'string') return isoFromTimestampText(v) ?? v;
  return v;
}
function sameRows(a: unknown[][], b: unknown[][]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i]!.length && row.every((x, j) => {
    const p = normalize(x);
    const q = normalize(b[i]![j]);
    return typeof p === 'number' && typeof q === 'number' ? Math.abs(p - q) <= 1e-6 * Math.max(1, Math.abs(p), Math.abs(q)) : p === q;
  }));
}

describe.skipIf(skipLive)('iris-pgwire dialect pgvector: the measured queries, live on PostgreSQL + pgvector', () => {
  let p: TmpProfile;
  const gateway = irisPgwireModule('pgvector');
  let postgres: OpenTarget[];
  let session: Session;

  beforeAll(async () => {
    p = await tmpProfile({ targets: ['postgres'], target_options: { postgres: pgTestTargetOptions() }, dataset_size: 600, vector_dims: 16 });
    await expectStagesOk(['--config', p.config], [provision, validate, seed]);
    postgres = await openSessions(await loadTargets(await loadConfig(p.config), '/'), 'test');
    session = await gateway.open({ options: irisPgwireOptionsSchema.parse(optionsAtTestServer('pgvector')), root: '/' });
    // The same search breadth on both sessions, so the HNSW queries are comparable row for row.
    for (const s of [postgres[0]!.session, session]) await s.exec('SET hnsw.ef_search = 100');
  });
  afterAll(async () => {
    await session?.close();
    if (postgres) await closeSessions(postgres);
  });

  it('every measured query returns the same rows as the postgres target\'s statement, with the same parameters', async () => {
    const config = await loadConfig(p.config);
    const shape = workloadShape(config);
    const pool = queryVectorPool(shape);
    const pg = postgres[0]!;
    let compared = 0;
    for (const q of QUERIES) {
      for (const [i, logical] of paramSequence(shape, 'verify', q.id, 4).entries()) {
        // postgres binds what it binds in a run (vector_param_format), the gateway dialect pgvector text
        const ours = bindFor(gateway, q.id, logical.map((v) => (typeof v === 'object' && 'vector' in v ? gateway.encodeVector(pool[v.vector]!, 'binary') : v)), queryVars(shape));
        const theirs = bindFor(pg.module, q.id, logical.map((v) => (typeof v === 'object' && 'vector' in v ? pg.module.encodeVector(pool[v.vector]!, config.vector_param_format) : v)), queryVars(shape));
        if (q.params.includes('k')) expect(ours.sql, q.id).not.toBe(theirs.sql); // the gateway's form, not the shared text
        const [a, b] = [await session.query(ours.sql, ours.params), await pg.session.query(theirs.sql, theirs.params)];
        expect(a.rowCount, `${q.id} #${i}`).toBeGreaterThan(0);
        expect(sameRows(a.rows, b.rows), `${q.id} #${i}: ${JSON.stringify(a.rows.slice(0, 2))} vs ${JSON.stringify(b.rows.slice(0, 2))}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(QUERIES.length * 4);
  });

  it('every measured query returns the same rows in all three query modes (simple renders SQL-standard literals)', async () => {
    const config = await loadConfig(p.config);
    const shape = workloadShape(config);
    const pool = queryVectorPool(shape);
    const rowsOf = new Map<string, unknown[][]>();
    for (const mode of QUERY_MODES) {
      const options = irisPgwireOptionsSchema.parse({ ...optionsAtTestServer('pgvector'), query_mode: mode });
      const s = await gateway.open({ options, root: '/' });
      try {
        await s.exec('SET hnsw.ef_search = 100');
        for (const q of QUERIES) {
          for (const [i, logical] of paramSequence(shape, 'verify', q.id, 3).entries()) {
            const bound = bindFor(gateway, q.id, logical.map((v) => (typeof v === 'object' && 'vector' in v ? gateway.encodeVector(pool[v.vector]!, 'text') : v)), queryVars(shape));
            const call = callFor({ module: gateway, ctx: { options, root: '/' } }, bound);
            if (mode === 'simple' && bound.params.length) expect(call.params, `${q.id}: rendered`).toEqual([]);
            const key = `${q.id} #${i}`;
            const rows = (await s.query(call.sql, call.params)).rows;
            if (mode === QUERY_MODES[0]) rowsOf.set(key, rows);
            else expect(sameRows(rows, rowsOf.get(key)!), `${mode} ${key}`).toBe(true);
          }
        }
      } finally {
        await s.close();
      }
    }
    expect(rowsOf.size).toBe(QUERIES.length * 3);
  });

  it('the kNN statements bind k as the literal LIMIT and the vector as text, once per use', async () => {
    const v = gateway.encodeVector(queryVectorPool(workloadShape(await loadConfig(p.config)))[0]!, 'binary');
    expect(typeof v).toBe('string');
    const call = bindFor(gateway, 'vector_filter', [v, 'category_1', 5], { dims: 16, k: 5 });
    expect(call.params).toEqual([v, 'category_1', v]);
    const r = await session.query(call.sql, call.params);
    expect(r.rowCount).toBe(5);
  });
});

/** A small generated dataset and the generator's own chunk hashes. */
function generateDataset(size: number, dims: number, seedValue: number) {
  const ds = { size, dims, seed: seedValue };
  const chunks = chunkRanges(size);
  return {
    spec: {
      chunks,
      batches: () => vectorBatches(ds, FINGERPRINT_CHUNK),
      metadata: () => chunks.map(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => metadataFor(a + i))),
    },
    expected: {
      vectorChunks: [...vectorBatches(ds, FINGERPRINT_CHUNK)].map((batch) => md5Hex(canonicalVectorBytes(batch))),
      metadataChunks: chunks.map(([a, b]) => md5Hex(metadataChunkText(a, b))),
    },
  };
}

describe.skipIf(skipLive)('iris-pgwire, dialect iris: the wire plumbing, live against a PostgreSQL-wire server', () => {
  // PostgreSQL cannot run IRIS SQL; these statements are PostgreSQL's, written the IRIS way (`?`, scripts of `;`-lines).
  const module = irisPgwireModule('iris');
  const options = optionsAtTestServer('iris');
  let session: Session;

  beforeAll(async () => {
    session = await module.open({ options: irisPgwireOptionsSchema.parse(options), root: '/' });
    await session.exec('DROP TABLE IF EXISTS pb_iris_mode_meta;\nDROP TABLE IF EXISTS pb_iris_mode_vectors');
    await session.exec('CREATE TABLE pb_iris_mode_vectors (id integer PRIMARY KEY, v real[] NOT NULL);\nCREATE TABLE pb_iris_mode_meta (vector_id integer PRIMARY KEY, label text, category text, created_at timestamp)');
  });
  afterAll(async () => {
    await session?.exec('DROP TABLE IF EXISTS pb_iris_mode_meta;\nDROP TABLE IF EXISTS pb_iris_mode_vectors').catch(() => {});
    await session?.close();
  });

  it('numbers `?` placeholders in order before sending', async () => {
    const r = await session.query("SELECT ?::int * 10 + ?::int, '?' AS literal", [4, 2]);
    expect(r.rows).toEqual([[42, '?']]);
  });

  it('loads text vectors and metadata in one transaction per batch, and the rows read back hash like the generator', async () => {
    const { spec, expected } = generateDataset(1500, 32, 9);
    const done: number[] = [];
    // {dims} is filled from the batch, as for TO_VECTOR(?, FLOAT, {dims}).
    await session.loadVectors("INSERT INTO pb_iris_mode_vectors (id, v) VALUES (?, string_to_array(?, ',')::real[]) -- dims {dims}", spec.batches(), (n) => done.push(n));
    await session.loadMetadata('INSERT INTO pb_iris_mode_meta (vector_id, label, category, created_at) VALUES (?, ?, ?, ?::timestamp)', spec.metadata());
    expect(done.reduce((a, b) => a + b, 0)).toBe(1500);
    const v: string[] = [];
    const m: string[] = [];
    for (const [a, b] of spec.chunks) {
      v.push(await vectorChunkHashFromRows(session, "SELECT id, array_to_string(v, ',') FROM pb_iris_mode_vectors WHERE id BETWEEN ? AND ? ORDER BY id", a, b, 32));
      m.push(await metadataChunkHashFromRows(session, 'SELECT vector_id, label, category, (extract(epoch FROM created_at) * 1000)::bigint FROM pb_iris_mode_meta WHERE vector_id BETWEEN ? AND ? ORDER BY vector_id', a, b));
    }
    expect(v).toEqual(expected.vectorChunks);
    expect(m).toEqual(expected.metadataChunks);
  });

  it('keeps timestamps (without time zone) as their text, which verification reads as UTC, and reports a missing table as 42P01', async () => {
    const r = await session.query("SELECT created_at FROM pb_iris_mode_meta WHERE vector_id = ?", [1]);
    expect(r.rows[0]![0]).toBe('2025-01-01 00:00:01');
    expect(canonicalValue(r.rows[0]![0])).toBe('2025-01-01T00:00:01.000Z');
    await expect(session.query('SELECT 1 FROM pb_no_such_table')).rejects.toMatchObject({ code: '42P01' });
  });

  it('delete_insert: the IRIS dialect\'s two statements (DELETE, then INSERT of the same row) in one request, rows affected 1 + 1, the metadata hash unchanged', async () => {
    // The dialect's own text, on this test's table (its created_at is TIMESTAMP, as on IRIS); parameters as measure binds them.
    const [id] = paramSequence({ seed: 9, dataset_size: 1500, vector_dims: 32, k: 5, query_vector_pool: 4 }, 'measure', 'delete_insert', 1);
    const call = queryCallFor({ module, ctx: { options, root: '/' } }, 'delete_insert', id!, queryVars({ vector_dims: 32, k: 5 }));
    const onTable = (c: PreparedCall): PreparedCall => ({ ...c, sql: c.sql.replace('benchmark_metadata', 'pb_iris_mode_meta'), ...(c.then ? { then: onTable(c.then) } : {}) });
    expect(call.sql).toBe(irisDialect.delete_insert);
    expect(call.then!.sql).toBe(irisDialect.delete_insert_reinsert);
    const row = id![0] as number;
    expect(call.then!.params).toEqual([row, metadataFor(row).label, metadataFor(row).category, id![3]]);
    expect((await sendCall(session, onTable(call))).rowCount).toBe(2);
    const { expected } = generateDataset(1500, 32, 9);
    const [a, b] = chunkRanges(1500).find(([x, y]) => x <= row && row <= y)!;
    const got = await metadataChunkHashFromRows(session, 'SELECT vector_id, label, category, (extract(epoch FROM created_at) * 1000)::bigint FROM pb_iris_mode_meta WHERE vector_id BETWEEN ? AND ? ORDER BY vector_id', a, b);
    expect(got).toBe(expected.metadataChunks[chunkRanges(1500).findIndex(([x]) => x === a)]);
  });
});
