import { describe, expect, it } from 'vitest';
import { QUERY_STEPS, bindFor, numberPlaceholders, queryVars, questionMarks, splitScript } from '../../lib/targets/bind.js';
import { fillTemplate, type StatementId } from '../../lib/targets/dialect.js';
import type { Session } from '../../lib/targets/interface.js';
import { irisBindOrder, irisDialect, irisVectorText, isoUtcTimestamp } from '../../lib/targets/iris-sql/dialect.js';
import { IrisSqlError, asMissingTable, isIrisConnectionLoss } from '../../lib/targets/iris-sql/errors.js';
import { pgvectorDialect } from '../../lib/targets/pgvector-sql/dialect.js';
import { canonicalRowBytes, metadataChunkHashFromRows, parseVectorText, rowsPerQuery, vectorChunkHashFromRows } from '../../lib/targets/row-fingerprint.js';
import { metadataFor, vectorBatches } from '../../lib/workload/generator.js';
import { canonicalVectorBytes, chunkRanges, expectedFingerprint, md5Hex, metadataChunkText, combineChunks } from '../../lib/workload/fingerprint.js';
import { queryVectorPool } from '../../lib/workload/params.js';
import { CATALOGUE, QUERIES, QUERY_IDS, type ParamKind } from '../../lib/workload/queries.js';

/**
 * Golden tests of the InterSystems IRIS dialect: exact text of every statement, nearest-first
 * (DESC) ordering of every kNN query, and which catalogue parameter each `?` receives. Nothing
 * here talks to IRIS: they pin what is sent, so a change is a visible diff.
 */

const SETUP_IDS = [
  'create_extension', 'drop_tables', 'create_tables', 'copy_vectors', 'copy_metadata', 'create_secondary_indexes',
  'create_hnsw_index', 'analyze', 'write_marker', 'read_marker', 'set_ef_search', 'set_iterative_scan', 'count_vectors', 'count_metadata',
  'fingerprint_vectors', 'fingerprint_metadata', 'server_version', 'vector_version', 'vector_available',
  'server_settings', 'relation_sizes', 'ping', 'delete_written_rows', 'written_label_ids', 'restore_label', 'server_clock', 'missing_metadata_ids',
] as const satisfies readonly StatementId[];

/** Every statement the IRIS dialect has: all of them (delete_insert too, as two statements: QUERY_STEPS). */
type IrisStatementId = StatementId;

const GOLDEN: Record<IrisStatementId, string> = {
  ping: 'SELECT 1',
  server_clock: "SELECT DATEDIFF('ms', '1970-01-01 00:00:00', GETUTCDATE(3))",
  create_extension: 'SELECT 1',
  drop_tables: 'DROP TABLE IF EXISTS benchmark_metadata;\nDROP TABLE IF EXISTS benchmark_vectors;\nDROP TABLE IF EXISTS pathbench_dataset',
  create_tables:
    'CREATE TABLE benchmark_vectors (\n  id INTEGER NOT NULL PRIMARY KEY,\n  embedding VECTOR(FLOAT, {dims}) NOT NULL\n);\n' +
    'CREATE TABLE benchmark_metadata (\n  vector_id INTEGER NOT NULL PRIMARY KEY,\n  label VARCHAR(64) NOT NULL,\n  category VARCHAR(64) NOT NULL,\n' +
    '  created_at TIMESTAMP NOT NULL,\n  CONSTRAINT benchmark_metadata_vector_fk FOREIGN KEY (vector_id) REFERENCES benchmark_vectors (id)\n);\n' +
    'CREATE TABLE pathbench_dataset (\n  dataset_id VARCHAR(64) NOT NULL,\n  index_spec VARCHAR(255) NOT NULL,\n  loaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n)',
  copy_vectors: 'INSERT INTO benchmark_vectors (id, embedding) VALUES (?, TO_VECTOR(?, FLOAT, {dims}))',
  copy_metadata: 'INSERT INTO benchmark_metadata (vector_id, label, category, created_at) VALUES (?, ?, ?, ?)',
  create_secondary_indexes:
    'CREATE INDEX benchmark_metadata_label_idx ON benchmark_metadata (label);\nCREATE INDEX benchmark_metadata_category_idx ON benchmark_metadata (category)',
  create_hnsw_index:
    "CREATE INDEX benchmark_vectors_embedding_hnsw ON benchmark_vectors (embedding) AS HNSW(M={m}, efConstruction={ef_construction}, Distance='Cosine')",
  analyze: 'TUNE TABLE benchmark_vectors;\nTUNE TABLE benchmark_metadata',
  write_marker: 'INSERT INTO pathbench_dataset (dataset_id, index_spec) VALUES (?, ?)',
  read_marker: 'SELECT TOP 1 dataset_id, index_spec FROM pathbench_dataset ORDER BY loaded_at DESC',
  set_ef_search: 'SELECT ? AS ef_search_requested',
  set_iterative_scan: 'SELECT ? AS iterative_scan_requested',
  count_vectors: 'SELECT COUNT(*) FROM benchmark_vectors',
  count_metadata: 'SELECT COUNT(*) FROM benchmark_metadata',
  fingerprint_vectors: 'SELECT id, embedding FROM benchmark_vectors WHERE id BETWEEN ? AND ? ORDER BY id',
  fingerprint_metadata:
    "SELECT vector_id, label, category, DATEDIFF('ms', '1970-01-01 00:00:00', created_at)\nFROM benchmark_metadata WHERE vector_id BETWEEN ? AND ? ORDER BY vector_id",
  server_version: 'SELECT $ZVERSION',
  vector_version: "SELECT $PIECE($PIECE($ZVERSION, ') ', 2), ' ', 1)",
  vector_available: "SELECT $PIECE($PIECE($ZVERSION, ') ', 2), ' ', 1)",
  server_settings:
    "SELECT 'hnsw.ef_search' AS name, 'not settable (IRIS HNSW has no session ef_search)' AS setting\nUNION ALL SELECT 'namespace', $NAMESPACE",
  relation_sizes: 'SELECT NULL, NULL',
  simple_select_all: 'SELECT TOP 10 id, embedding FROM benchmark_vectors ORDER BY id',
  simple_select_id: 'SELECT id, embedding FROM benchmark_vectors WHERE id = ?',
  simple_count: 'SELECT COUNT(*) FROM benchmark_vectors',
  vector_cosine:
    'SELECT TOP {k} id, 1 - VECTOR_COSINE(embedding, TO_VECTOR(?, FLOAT, {dims})) AS distance\nFROM benchmark_vectors\n' +
    'ORDER BY VECTOR_COSINE(embedding, TO_VECTOR(?, FLOAT, {dims})) DESC',
  vector_l2:
    'SELECT TOP {k} id, SQRT(2 - 2 * VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims}))) AS distance\nFROM benchmark_vectors\n' +
    'ORDER BY VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims})) DESC',
  vector_inner_product:
    'SELECT TOP {k} id, VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims})) AS inner_product\nFROM benchmark_vectors\n' +
    'ORDER BY VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims})) DESC',
  join: 'SELECT v.id, m.label, m.category, m.created_at\nFROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id\nWHERE m.label = ?',
  vector_filter:
    'SELECT TOP {k} v.id, 1 - VECTOR_COSINE(v.embedding, TO_VECTOR(?, FLOAT, {dims})) AS distance\n' +
    'FROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id\nWHERE m.category = ?\n' +
    'ORDER BY VECTOR_COSINE(v.embedding, TO_VECTOR(?, FLOAT, {dims})) DESC',
  // The write queries and their undo (docs/writes.md): the INSERT is seed's copy_vectors statement.
  insert_one: 'INSERT INTO benchmark_vectors (id, embedding) VALUES (?, TO_VECTOR(?, FLOAT, {dims}))',
  update_metadata: 'UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?',
  delete_written_rows: 'DELETE FROM benchmark_vectors WHERE id > ?',
  written_label_ids: 'SELECT vector_id FROM benchmark_metadata WHERE label LIKE ? ORDER BY vector_id',
  restore_label: 'UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?',
  // delete_insert: two statements in one request (QUERY_STEPS), each in autocommit; and the undo of a half-done one.
  delete_insert: 'DELETE FROM benchmark_metadata WHERE vector_id = ?',
  delete_insert_reinsert: 'INSERT INTO benchmark_metadata (vector_id, label, category, created_at) VALUES (?, ?, ?, ?)',
  missing_metadata_ids:
    'SELECT v.id FROM benchmark_vectors v LEFT JOIN benchmark_metadata m ON m.vector_id = v.id\nWHERE m.vector_id IS NULL AND v.id <= ? ORDER BY v.id',
};

const ALL_IDS: IrisStatementId[] = [...QUERY_IDS, ...SETUP_IDS, 'delete_insert_reinsert'];

/** Parameters of the setup statements that bind any, in the order their callers pass them. */
const SETUP_PARAMS: Partial<Record<StatementId, string[]>> = {
  write_marker: ['dataset_id', 'index_spec'],
  set_ef_search: ['ef_search'],
  set_iterative_scan: ['iterative_scan'],
  fingerprint_vectors: ['first_id', 'last_id'],
  fingerprint_metadata: ['first_id', 'last_id'],
  copy_vectors: ['id', 'vector_text'],
  copy_metadata: ['vector_id', 'label', 'category', 'created_at'],
  delete_written_rows: ['dataset_size'],
  written_label_ids: ['label_pattern'],
  restore_label: ['label', 'vector_id'],
  delete_insert_reinsert: ['vector_id', 'label', 'category', 'created_at'],
  missing_metadata_ids: ['dataset_size'],
};

function catalogueParams(id: StatementId): readonly string[] {
  // A step of a query sent as several statements binds its selection of the catalogue's parameters.
  for (const [qid, steps] of Object.entries(QUERY_STEPS)) {
    const step = steps.find((s) => s.statement === id);
    if (step) return step.params.map((i) => CATALOGUE.find((x) => x.id === qid)!.params[i]!);
  }
  const q = CATALOGUE.find((x) => x.id === id);
  return q ? q.params : SETUP_PARAMS[id] ?? [];
}

/** What the SQL right before a `?` says it must be, for the measured queries. */
function kindAt(sql: string, pos: number): ParamKind | undefined {
  const before = sql.slice(Math.max(0, pos - 40), pos);
  if (/TO_VECTOR\($/.test(before)) return 'query_vector';
  if (/m\.category = $/.test(before)) return 'category';
  if (/m\.label = $/.test(before)) return 'label';
  if (/WHERE id = $/.test(before)) return 'row_id';
  return undefined;
}

describe('IRIS SQL dialect: golden text', () => {
  it('defines every statement id, and nothing else', () => {
    expect(Object.keys(irisDialect).sort()).toEqual([...ALL_IDS].sort());
  });

  it.each(ALL_IDS)('%s is exactly the golden text', (id) => {
    expect(irisDialect[id]).toBe(GOLDEN[id]);
  });

  it('uses no PostgreSQL-isms: no $n parameters, LIMIT, ::casts, pgvector operators or a trailing semicolon', () => {
    for (const id of ALL_IDS) {
      const sql = irisDialect[id];
      expect(sql, id).not.toMatch(/\$\d/);
      expect(sql, id).not.toMatch(/\bLIMIT\b/i);
      expect(sql, id).not.toMatch(/::/);
      expect(sql, id).not.toMatch(/<=>|<->|<#>/);
      expect(sql.trimEnd(), id).not.toMatch(/;$/);
    }
  });

  it('binds every vector through TO_VECTOR(?, FLOAT, {dims}) and declares the column VECTOR(FLOAT, {dims})', () => {
    for (const id of ALL_IDS) {
      const sql = irisDialect[id];
      const toVector = sql.match(/TO_VECTOR\([^)]*\)/g) ?? [];
      for (const call of toVector) expect(call, id).toBe('TO_VECTOR(?, FLOAT, {dims})');
    }
    expect(irisDialect.create_tables).toContain('embedding VECTOR(FLOAT, {dims}) NOT NULL');
    expect(fillTemplate(irisDialect.create_tables, { dims: 1024 })).toContain('VECTOR(FLOAT, 1024)');
  });

  it('builds an HNSW cosine index with the configured M and efConstruction', () => {
    expect(fillTemplate(irisDialect.create_hnsw_index, { m: 16, ef_construction: 64 })).toBe(
      "CREATE INDEX benchmark_vectors_embedding_hnsw ON benchmark_vectors (embedding) AS HNSW(M=16, efConstruction=64, Distance='Cosine')",
    );
  });

  it('splits every script into statements IRIS can prepare one at a time', () => {
    expect(splitScript(irisDialect.drop_tables)).toEqual([
      'DROP TABLE IF EXISTS benchmark_metadata',
      'DROP TABLE IF EXISTS benchmark_vectors',
      'DROP TABLE IF EXISTS pathbench_dataset',
    ]);
    expect(splitScript(irisDialect.create_tables)).toHaveLength(3);
    expect(splitScript(irisDialect.create_secondary_indexes)).toHaveLength(2);
    expect(splitScript(irisDialect.analyze)).toEqual(['TUNE TABLE benchmark_vectors', 'TUNE TABLE benchmark_metadata']);
    expect(splitScript(irisDialect.vector_cosine)).toEqual([irisDialect.vector_cosine]);
  });
});

describe('IRIS SQL dialect: nearest first', () => {
  const knn = QUERIES.filter((q) => q.params.includes('query_vector'));

  it.each(knn.map((q) => q.id))('%s orders by a similarity DESC under a literal TOP {k}', (id) => {
    const sql = irisDialect[id as IrisStatementId];
    expect(sql).toMatch(/^SELECT TOP \{k\} /);
    const orderBy = sql.slice(sql.lastIndexOf('ORDER BY'));
    expect(orderBy).toMatch(/^ORDER BY VECTOR_(COSINE|DOT_PRODUCT)\([^]*\) DESC$/);
    expect(orderBy).not.toMatch(/\bASC\b/);
  });

  it('orders the HNSW (cosine) queries by VECTOR_COSINE, the exact ones by VECTOR_DOT_PRODUCT', () => {
    expect(irisDialect.vector_cosine).toMatch(/ORDER BY VECTOR_COSINE\(/);
    expect(irisDialect.vector_filter).toMatch(/ORDER BY VECTOR_COSINE\(/);
    expect(irisDialect.vector_l2).toMatch(/ORDER BY VECTOR_DOT_PRODUCT\(/);
    expect(irisDialect.vector_inner_product).toMatch(/ORDER BY VECTOR_DOT_PRODUCT\(/);
  });

  it('on unit vectors, dot-product DESC is exactly the L2 order and SQRT(2 - 2·dot) is the L2 distance', () => {
    const pool = queryVectorPool({ seed: 5, dataset_size: 100, vector_dims: 64, k: 5, query_vector_pool: 2 });
    const [batch] = [...vectorBatches({ size: 300, dims: 64, seed: 5 }, 300)];
    for (const q of pool) {
      const rows = Array.from({ length: 300 }, (_, r) => {
        const v = batch!.data.subarray(r * 64, (r + 1) * 64);
        let dot = 0;
        let l2 = 0;
        for (let d = 0; d < 64; d++) {
          dot += q[d]! * v[d]!;
          l2 += (q[d]! - v[d]!) ** 2;
        }
        return { id: r + 1, dot, l2: Math.sqrt(l2) };
      });
      const byDot = [...rows].sort((a, b) => b.dot - a.dot).map((r) => r.id);
      const byL2 = [...rows].sort((a, b) => a.l2 - b.l2).map((r) => r.id);
      expect(byDot).toEqual(byL2);
      for (const r of rows) expect(Math.sqrt(2 - 2 * r.dot)).toBeCloseTo(r.l2, 5);
    }
  });
});

describe('IRIS SQL dialect: parameter binding order', () => {
  it('has exactly one bound value per `?` for every statement', () => {
    for (const id of ALL_IDS) {
      const marks = questionMarks(irisDialect[id]).length;
      const order = (irisBindOrder as Partial<Record<StatementId, readonly number[]>>)[id];
      const expected = order ? order.length : catalogueParams(id).length;
      expect(marks, id).toBe(expected);
    }
  });

  it('every bindOrder index names a catalogue parameter; every catalogue parameter but k is bound, k is the literal TOP {k}', () => {
    for (const [id, order] of Object.entries(irisBindOrder) as [StatementId, readonly number[]][]) {
      const params = catalogueParams(id);
      for (const i of order) expect(i, id).toBeLessThan(params.length);
      expect([...new Set(order)].map((i) => params[i]).sort(), id).toEqual(params.filter((p) => p !== 'k').sort());
      expect(irisDialect[id as keyof typeof irisDialect], id).toMatch(/^SELECT TOP \{k\} /);
    }
  });

  it.each(QUERIES.filter((q) => q.params.length > 0).map((q) => q.id))('%s: each `?` receives the catalogue parameter its SQL expects', (id) => {
    const sql = irisDialect[id as IrisStatementId];
    const params = QUERIES.find((q) => q.id === id)!.params;
    const order = (irisBindOrder as Partial<Record<StatementId, readonly number[]>>)[id] ?? params.map((_, i) => i);
    const kinds = questionMarks(sql).map((pos) => kindAt(sql, pos));
    expect(kinds).toEqual(order.map((i) => params[i]));
  });

  it('bindFor fills {dims} and {k} and reorders: vector_cosine binds [vector, vector]', () => {
    const vec = '0.5,0.5';
    const call = bindFor({ dialect: irisDialect, bindOrder: irisBindOrder }, 'vector_cosine', [vec, 5], queryVars({ vector_dims: 2, k: 5 }));
    expect(call.params).toEqual([vec, vec]);
    expect(call.sql).toBe(
      'SELECT TOP 5 id, 1 - VECTOR_COSINE(embedding, TO_VECTOR(?, FLOAT, 2)) AS distance\nFROM benchmark_vectors\nORDER BY VECTOR_COSINE(embedding, TO_VECTOR(?, FLOAT, 2)) DESC',
    );
  });

  it('bindFor: vector_filter binds [vector, category, vector]; l2 and inner product [vector, vector]; k is inlined', () => {
    const m = { dialect: irisDialect, bindOrder: irisBindOrder };
    const vars = queryVars({ vector_dims: 8, k: 7 });
    expect(bindFor(m, 'vector_filter', ['v', 'category_3', 7], vars)).toMatchObject({ params: ['v', 'category_3', 'v'], sql: expect.stringMatching(/^SELECT TOP 7 v\.id, /) });
    expect(bindFor(m, 'vector_l2', ['v', 7], vars)).toMatchObject({ params: ['v', 'v'], sql: expect.stringMatching(/^SELECT TOP 7 id, /) });
    expect(bindFor(m, 'vector_inner_product', ['v', 7], vars)).toMatchObject({ params: ['v', 'v'], sql: expect.stringMatching(/^SELECT TOP 7 id, /) });
    expect(bindFor(m, 'join', ['vector_9']).params).toEqual(['vector_9']);
    expect(bindFor(m, 'simple_select_id', [42]).sql).toBe('SELECT id, embedding FROM benchmark_vectors WHERE id = ?');
  });

  it('bindFor refuses a missing {dims} or {k} and a bindOrder beyond the catalogue', () => {
    expect(() => bindFor({ dialect: irisDialect, bindOrder: irisBindOrder }, 'vector_cosine', ['v', 5], { k: 5 })).toThrow(/\{dims\}/);
    expect(() => bindFor({ dialect: irisDialect, bindOrder: irisBindOrder }, 'vector_cosine', ['v', 5], { dims: 2 })).toThrow(/\{k\}/);
    expect(() => bindFor({ dialect: irisDialect, bindOrder: { vector_cosine: [0, 3] } }, 'vector_cosine', ['v', 5], { dims: 2, k: 5 })).toThrow(
      /parameter 3, but the catalogue binds 2/,
    );
  });

  it('leaves the pgvector dialect untouched (no bindOrder: same text, same parameters)', () => {
    for (const q of QUERIES) {
      const params = q.params.map((_, i) => `p${i}`);
      expect(bindFor({ dialect: pgvectorDialect }, q.id, params, { dims: 3 })).toEqual({ sql: pgvectorDialect[q.id], params });
    }
  });

  it('questionMarks skips literals, quoted identifiers and comments; numberPlaceholders numbers the rest', () => {
    const sql = `SELECT '?', "a?b", ? -- what?\n, ? /* ? */ FROM t WHERE x = 'it''s ?' AND y = ?`;
    expect(questionMarks(sql)).toHaveLength(3);
    expect(numberPlaceholders(sql)).toBe(`SELECT '?', "a?b", $1 -- what?\n, $2 /* ? */ FROM t WHERE x = 'it''s ?' AND y = $3`);
    expect(numberPlaceholders(fillTemplate(irisDialect.vector_filter, { dims: 4, k: 5 }))).toContain('TOP 5 v.id, 1 - VECTOR_COSINE(v.embedding, TO_VECTOR($1, FLOAT, 4))');
  });
});

describe('IRIS values', () => {
  it('vector text is comma-separated float32 values that parse back to the same float32', () => {
    const v = Float32Array.of(0.1, -1, 3.4028234663852886e38, 1.401298464324817e-45, -0.0312);
    const text = irisVectorText(v);
    expect(text).not.toMatch(/[[\]]/);
    expect([...parseVectorText(text)]).toEqual([...v]);
    expect([...parseVectorText(`[${text}]`)]).toEqual([...v]);
  });

  it('timestamps travel as ODBC text in UTC', () => {
    expect(isoUtcTimestamp(metadataFor(1).createdAtMs)).toBe('2025-01-01 00:00:01');
    expect(isoUtcTimestamp(Date.UTC(2025, 5, 30, 23, 59, 59, 250))).toBe('2025-06-30 23:59:59.250');
  });

  it('SQLCODE -30 (table not found) reads as 42P01, whoever carries it; connection loss is told apart', () => {
    expect(new IrisSqlError(-30, "Table 'SQLUSER.PATHBENCH_DATASET' not found").code).toBe('42P01');
    expect(new IrisSqlError(-1, 'syntax').code).toBe('IRIS-1');
    expect((asMissingTable(new Error('[SQLCODE: <-30>:<Table not found>]')) as { code: string }).code).toBe('42P01');
    expect((asMissingTable(new Error("ERROR: Table 'SQLUSER.X' not found")) as { code: string }).code).toBe('42P01');
    const other = new Error('SQLCODE: -301');
    expect(asMissingTable(other)).toBe(other);
    expect(isIrisConnectionLoss(new Error('<COMMUNICATION LINK ERROR> Failed to connect to server'))).toBe(true);
    expect(isIrisConnectionLoss(new IrisSqlError(-30, 'x'))).toBe(false);
    expect(isIrisConnectionLoss(new Error('<UNDEFINED> x'))).toBe(false);
  });
});

describe('fingerprint read back as rows (capability fingerprintReadBack: rows)', () => {
  const spec = { size: 2500, dims: 24, seed: 11 };

  /** A session that serves the generator's rows the way IRIS would: vectors as text, created_at in ms. */
  function textRowsSession(format: (x: number) => string): Session & { calls: number } {
    const batch = [...vectorBatches(spec, spec.size)][0]!;
    const s = {
      calls: 0,
      async query(sql: string, params: readonly unknown[] = []) {
        s.calls++;
        const [a, b] = params.map(Number) as [number, number];
        const rows: unknown[][] = [];
        for (let id = a; id <= b; id++) {
          if (sql === irisDialect.fingerprint_vectors) {
            rows.push([id, Array.from(batch.data.subarray((id - 1) * spec.dims, id * spec.dims), format).join(',')]);
          } else {
            const m = metadataFor(id);
            rows.push([String(id), m.label, m.category, String(m.createdAtMs)]);
          }
        }
        return { rowCount: rows.length, rows };
      },
      exec: async () => {},
      loadVectors: async () => {},
      loadMetadata: async () => {},
      close: async () => {},
    };
    return s;
  }

  it('reproduces the generator fingerprint exactly from text that round-trips float32', async () => {
    const expected = expectedFingerprint(spec);
    for (const format of [(x: number) => String(x), (x: number) => x.toPrecision(9)]) {
      const s = textRowsSession(format);
      const v: string[] = [];
      const m: string[] = [];
      for (const [a, b] of chunkRanges(spec.size)) {
        v.push(await vectorChunkHashFromRows(s, irisDialect.fingerprint_vectors, a, b, spec.dims));
        m.push(await metadataChunkHashFromRows(s, irisDialect.fingerprint_metadata, a, b));
      }
      expect(combineChunks(v)).toBe(expected.vectorsHash);
      expect(combineChunks(m)).toBe(expected.metadataHash);
    }
  });

  it('differs when the engine prints too few digits to round-trip (so seed fails instead of certifying)', async () => {
    const s = textRowsSession((x) => x.toPrecision(6));
    const [batch] = [...vectorBatches({ ...spec, size: 1000 }, 1000)];
    const got = await vectorChunkHashFromRows(s, irisDialect.fingerprint_vectors, 1, 1000, spec.dims);
    expect(got).not.toBe(md5Hex(canonicalVectorBytes(batch!)));
  });

  it('pages the vector read-back to stay under the IRIS string limit', async () => {
    expect(rowsPerQuery(1024)).toBe(91);
    expect(rowsPerQuery(16_000)).toBe(5);
    expect(rowsPerQuery(3)).toBe(1000);
    const s = textRowsSession(String);
    await vectorChunkHashFromRows(s, irisDialect.fingerprint_vectors, 1, 1000, 1024);
    expect(s.calls).toBe(Math.ceil(1000 / rowsPerQuery(1024)));
  });

  it('builds each row in the canonical layout and the metadata lines like the generator', async () => {
    expect(canonicalRowBytes(Float32Array.of(1, -2.5)).toString('hex')).toBe('0002' + '0000' + '3f800000' + 'c0200000');
    const s = textRowsSession(String);
    expect(await metadataChunkHashFromRows(s, irisDialect.fingerprint_metadata, 1, 7)).toBe(md5Hex(metadataChunkText(1, 7)));
  });
});
