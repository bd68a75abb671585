import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { loadConfig } from '../../lib/config/load.js';
import { prepareSessions, workloadShape } from '../../lib/pipeline/session-setup.js';
import { closeSessions, loadTargets, openSessions, type OpenTarget } from '../../lib/pipeline/targets.js';
import { openStore } from '../../lib/store/open.js';
import { bindFor } from '../../lib/targets/bind.js';
import type { Session } from '../../lib/targets/interface.js';
import { irisPgwireModule } from '../../lib/targets/iris-pgwire/index.js';
import { irisPgwireOptionsSchema } from '../../lib/targets/iris-pgwire/options.js';
import { metadataChunkHashFromRows, vectorChunkHashFromRows } from '../../lib/targets/row-fingerprint.js';
import { metadataFor, vectorBatches } from '../../lib/workload/generator.js';
import { FINGERPRINT_CHUNK, canonicalVectorBytes, chunkRanges, md5Hex, metadataChunkText } from '../../lib/workload/fingerprint.js';
import { paramSequence } from '../../lib/workload/params.js';
import { QUERIES } from '../../lib/workload/queries.js';
import { expectStagesOk } from '../helpers/stages.js';
import { PG_TEST_DB, REQUIRE_POSTGRES, pgTestServer, preparePgTestDatabase } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * iris-pgwire LIVE over the PostgreSQL wire protocol. No IRIS and no gateway exist here, so the
 * server is the PostgreSQL of test/helpers/postgres.ts (127.0.0.1:5433, database pathbench_test),
 * which is what `dialect: pgvector` is for: the whole pipeline runs through the target next to
 * pglite, like the conformance suite. The `iris` mode's wire plumbing (numbered `?`, one
 * transaction per batch of text vectors, UTC timestamps, rows read back and hashed in Node) is
 * exercised against the same server with PostgreSQL-compatible statements; its IRIS SQL is not
 * (that needs IRIS). Required under CI=true, like the postgres conformance tests.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`iris-pgwire live tests are required here (CI=true) but cannot run: ${pgProblem}`);
if (pgProblem) process.stderr.write(`iris-pgwire live tests skipped: ${pgProblem}. Set CI=true to require them.\n`);

function pgvectorModeOptions(): Record<string, unknown> {
  const s = pgTestServer();
  return { dialect: 'pgvector', provision: 'existing', host: s.host, port: s.port, database: PG_TEST_DB, user: s.user, password_env: 'PB_PG_PASSWORD', iris_port: 1972 };
}

/** Same normalisation as the conformance suite: drivers differ in types, distances in the last bits. */
function normalize(v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/.test(v)) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return v;
}
function sameRows(a: unknown[][], b: unknown[][]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i]!.length && row.every((x, j) => {
    const p = normalize(x);
    const q = normalize(b[i]![j]);
    return typeof p === 'number' && typeof q === 'number' ? Math.abs(p - q) <= 1e-5 * Math.max(1, Math.abs(p), Math.abs(q)) : p === q;
  }));
}

describe.skipIf(!!pgProblem)('iris-pgwire, dialect pgvector, live against PostgreSQL', () => {
  let p: TmpProfile;
  let args: string[];
  const targets = ['iris-pgwire', 'pglite'];

  beforeAll(async () => {
    p = await tmpProfile({ targets, dataset_size: 400, iterations: 6, warmup: 2 }, {});
    const profile = parse(await readFile(p.config, 'utf8'));
    profile.target_options = { 'iris-pgwire': pgvectorModeOptions(), pglite: profile.target_options.pglite };
    await writeFile(p.config, stringify(profile));
    args = ['--config', p.config];
  });

  it('every stage succeeds; the fingerprint read back through the target matches; the report states the dialect', async () => {
    await expectStagesOk(args, [provision, validate, seed, warmup, measure, aggregate]);
    const db = await openStore(p.store);
    try {
      const v = await db.all<{ target: string; ok: number; message: string }>('SELECT target, ok, message FROM validations ORDER BY target');
      expect(v.find((r) => r.target === 'iris-pgwire')).toMatchObject({ ok: 1 });
      expect(v.find((r) => r.target === 'iris-pgwire')!.message).toMatch(/pgvector 0\.\d+\.\d+( \(available; seed will CREATE EXTENSION vector\))?; pg \S+ → a PostgreSQL-wire server at .*dialect pgvector/);
      const fps = await db.all<{ target: string; matches: number; row_count: number }>('SELECT target, matches, row_count FROM dataset_fingerprints ORDER BY target');
      expect(fps.map((f) => f.target)).toEqual(['iris-pgwire', 'pglite']);
      for (const f of fps) expect(f, f.target).toMatchObject({ matches: 1, row_count: 400 });
      expect(await db.all("SELECT target, query_id, error FROM samples WHERE ok = 0 LIMIT 5")).toEqual([]);
      const env = JSON.parse((await db.get<{ environment_json: string }>("SELECT environment_json FROM runs WHERE kind = 'measure'"))!.environment_json);
      expect(env.targets['iris-pgwire']).toMatchObject({ gateway_dialect: 'pgvector' });
      expect(env.targets['iris-pgwire'].pgvector_version).toMatch(/^0\.\d+\.\d+/);
      // The verification pass compared both paths on every query (parameters through bindFor).
      const summary = await db.all<{ target: string; query_id: string; verdict: string }>('SELECT target, query_id, verdict FROM verification_summary');
      expect(summary.filter((r) => r.target === 'iris-pgwire')).toHaveLength(QUERIES.length);
      expect(summary.filter((r) => r.verdict !== 'ok')).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('deterministic queries return the same rows through iris-pgwire as through pglite, bound with bindFor', async () => {
    const config = await loadConfig(p.config);
    const open: OpenTarget[] = await openSessions(await loadTargets(config, '/'), 'test');
    try {
      const pools = await prepareSessions(config, open);
      for (const q of QUERIES) {
        for (const [i, logical] of paramSequence(workloadShape(config), 'verify', q.id, 3).entries()) {
          const results = new Map<string, unknown[][]>();
          for (const t of open) {
            const bound = logical.map((v) => (typeof v === 'object' ? pools.get(t.id)![v.vector] : v));
            const call = bindFor(t.module, q.id, bound, { dims: config.vector_dims });
            const r = await t.session.query(call.sql, call.params);
            if (q.params.includes('query_vector')) expect(r.rowCount, `${t.id} ${q.id}`).toBe(config.k);
            results.set(t.id, r.rows);
          }
          if (!q.deterministic) continue;
          expect(sameRows(results.get('iris-pgwire')!, results.get('pglite')!), `${q.id} #${i}`).toBe(true);
        }
      }
    } finally {
      await closeSessions(open);
    }
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

describe.skipIf(!!pgProblem)('iris-pgwire, dialect iris: the wire plumbing, live against a PostgreSQL-wire server', () => {
  // PostgreSQL cannot run IRIS SQL; these statements are PostgreSQL's, written the IRIS way (`?`, scripts of `;`-lines).
  const module = irisPgwireModule('iris');
  const options = { ...pgvectorModeOptions(), dialect: 'iris' };
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

  it('reads timestamps (without time zone) as UTC and reports a missing table as 42P01', async () => {
    const r = await session.query("SELECT created_at FROM pb_iris_mode_meta WHERE vector_id = ?", [1]);
    expect((r.rows[0]![0] as Date).toISOString()).toBe('2025-01-01T00:00:01.000Z');
    await expect(session.query('SELECT 1 FROM pb_no_such_table')).rejects.toMatchObject({ code: '42P01' });
  });
});
