import type { BindOrder } from '../bind.js';
import type { Dialect } from '../dialect.js';
import type { QueryId } from '../../workload/queries.js';

/**
 * InterSystems IRIS SQL, shared by every target that sends IRIS SQL to IRIS: `iris-native` (the
 * Native SDK for Node.js, through the PathBench.SQL class) and `iris-pgwire` with
 * `dialect: iris` (pg through the iris-pgwire gateway). Not verified against a live IRIS here:
 * every choice below cites the documentation it rests on.
 *
 * Data types — `VECTOR(FLOAT, {dims})`: 32-bit elements, the same float4 values the generator
 * produces and pgvector stores. (The 2024.1 TO_VECTOR page lists integer, double, decimal and
 * string; FLOAT vectors are what the iris-pgwire project and InterSystems' rag-templates use with
 * IRIS 2025.x — https://github.com/intersystems-community/iris-pgwire/blob/main/docs/HNSW_FINDINGS_2025_10_02.md.
 * An IRIS without FLOAT vectors fails at create_tables, loudly.)
 *
 * Vectors are always bound as text through `TO_VECTOR(?, FLOAT, {dims})` — "TO_VECTOR(data [,
 * type ] [, length ])", data "a string … entries separated by a comma", in Dynamic SQL with
 * SelectMode ODBC or Display also a string
 * (https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_tovector).
 * `{dims}` is a template variable filled with the validated dimension (bindFor / fillTemplate).
 *
 * Placeholders are positional `?` (Dynamic SQL input parameters). IRIS cannot refer to one
 * parameter twice, so `irisBindOrder` below says which catalogue parameter each `?` receives.
 *
 * Similarities, not distances: "VECTOR_COSINE … the cosine similarity … -1 ~ 1";
 * VECTOR_DOT_PRODUCT is the inner product. Larger = nearer, so nearest-first is `ORDER BY … DESC`
 * (the documented kNN form: `SELECT TOP 5 … ORDER BY VECTOR_COSINE(Embedding, TO_VECTOR(…)) DESC`,
 * https://docs.intersystems.com/supplychain20241/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_vectorcosine).
 * The select list returns the same quantities as the pgvector dialect, so rows compare across
 * engines: cosine distance `1 - VECTOR_COSINE`, the inner product itself, and the L2 distance.
 *
 * L2: IRIS has no L2 distance function. Every stored and query vector is L2-normalised (see
 * lib/workload/generator.ts), and for unit vectors ‖a−b‖² = ‖a‖² + ‖b‖² − 2·a·b = 2 − 2·a·b, a
 * decreasing function of the dot product: ORDER BY VECTOR_DOT_PRODUCT DESC is exactly the L2
 * order, and the distance is SQRT(2 - 2*VECTOR_DOT_PRODUCT(...)) (SQRT is an InterSystems SQL
 * numeric function). Float rounding can make 2 - 2·a·b a hair below 0 only when a = b, which never
 * happens: query vectors come from their own stream, never a dataset row. On data that is not
 * normalised this query would be wrong — it is tied to this benchmark's generator.
 *
 * k: `TOP {k}`, a literal filled from the run's config (bindFor / fillTemplate, like {dims}). The
 * IRIS reference allows a Dynamic SQL input parameter there ("The int argument can be either a
 * positive integer, a Dynamic SQL input parameter (?) or an Embedded SQL host variable (:var)",
 * https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=RSQL_top), but the
 * iris-pgwire project's notes on the DB-API driver say `SELECT TOP ? id FROM table` fails ("TOP
 * Clause Cannot Be Parameterized", docs/IRIS_DBAPI_LIMITATIONS_JIRA.md §2; its HNSW findings use
 * "TOP N literal (not parameterized)", docs/HNSW_FINDINGS_2025_10_02.md, both at
 * https://github.com/intersystems-community/iris-pgwire commit 54d8128). k is fixed for a run, so
 * every IRIS path inlines it. The catalogue still lists k as a parameter (PostgreSQL binds it as `LIMIT $2`);
 * irisBindOrder below simply never binds it. IRIS turns a literal TOP n into `TOP ?` in its cached
 * query anyway (the EXPLAIN plans in the iris-pgwire HNSW findings read `SELECT TOP ? id …`).
 *
 * HNSW: `CREATE INDEX … ON benchmark_vectors (embedding) AS HNSW(M=…, efConstruction=…,
 * Distance='Cosine')`; Distance is 'Cosine' or 'DotProduct'; the optimizer considers the index for
 * queries with a TOP clause and ORDER BY VECTOR_COSINE(…) DESC on a table whose row ids are
 * integers (the syntax iris-pgwire confirmed against a live IRIS:
 * https://github.com/intersystems-community/iris-pgwire/blob/main/src/iris_pgwire/conversions/vector_syntax.py,
 * and https://docs.intersystems.com/iris20252/csp/docbook/Doc.View.cls?KEY=GSQL_vecsearch#GSQL_vecsearch_index).
 * As with pgvector, the index is cosine: the L2 and inner-product queries are exact scans.
 * IRIS has no session setting like hnsw.ef_search; set_ef_search only echoes the requested value.
 *
 * Fingerprint: IRIS cannot produce pgvector's vector_send() bytes (nor md5 over them), so the
 * fingerprint statements return the rows — id and the vector as text, and the metadata with
 * created_at in epoch milliseconds — and the target declares `fingerprintReadBack: 'rows'`: seed
 * rebuilds the canonical bytes in Node and hashes them exactly like the generator
 * (lib/targets/row-fingerprint.ts). Text read-back proves identity as long as IRIS prints each
 * float32 with enough digits to round-trip (≥ 9 significant); if it prints fewer, the
 * fingerprints differ and seed fails loudly rather than certifying different data.
 *
 * Scripts: one statement per line ending in `;` — sessions split them (splitScript) because IRIS
 * prepares one statement at a time. IF EXISTS on DROP TABLE needs IRIS 2023.1 or later.
 */
export const irisDialect = {
  ping: 'SELECT 1',
  // GETUTCDATE(3): UTC with milliseconds (CURRENT_TIMESTAMP is local time); DATEDIFF in ms from the epoch.
  server_clock: "SELECT DATEDIFF('ms', '1970-01-01 00:00:00', GETUTCDATE(3))",
  // Vectors are built in: nothing to create. A harmless statement keeps seed's sequence unchanged.
  create_extension: 'SELECT 1',
  drop_tables: `DROP TABLE IF EXISTS benchmark_metadata;
DROP TABLE IF EXISTS benchmark_vectors;
DROP TABLE IF EXISTS pathbench_dataset`,
  // Integer primary key, default storage: the integer row ids HNSW requires.
  create_tables: `CREATE TABLE benchmark_vectors (
  id INTEGER NOT NULL PRIMARY KEY,
  embedding VECTOR(FLOAT, {dims}) NOT NULL
);
CREATE TABLE benchmark_metadata (
  vector_id INTEGER NOT NULL PRIMARY KEY,
  label VARCHAR(64) NOT NULL,
  category VARCHAR(64) NOT NULL,
  created_at TIMESTAMP NOT NULL,
  CONSTRAINT benchmark_metadata_vector_fk FOREIGN KEY (vector_id) REFERENCES benchmark_vectors (id)
);
CREATE TABLE pathbench_dataset (
  dataset_id VARCHAR(64) NOT NULL,
  index_spec VARCHAR(255) NOT NULL,
  loaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`,
  // No COPY: sessions execute these once per row, batched per round trip where the path allows
  // it (iris-native: PathBench.SQL.Batch). {dims} is filled by the session from the batch.
  copy_vectors: 'INSERT INTO benchmark_vectors (id, embedding) VALUES (?, TO_VECTOR(?, FLOAT, {dims}))',
  // created_at is bound as ODBC text 'YYYY-MM-DD HH:MM:SS' in UTC (see isoUtcTimestamp).
  copy_metadata: 'INSERT INTO benchmark_metadata (vector_id, label, category, created_at) VALUES (?, ?, ?, ?)',
  create_secondary_indexes: `CREATE INDEX benchmark_metadata_label_idx ON benchmark_metadata (label);
CREATE INDEX benchmark_metadata_category_idx ON benchmark_metadata (category)`,
  create_hnsw_index:
    "CREATE INDEX benchmark_vectors_embedding_hnsw ON benchmark_vectors (embedding) AS HNSW(M={m}, efConstruction={ef_construction}, Distance='Cosine')",
  // TUNE TABLE gathers the optimizer statistics (IRIS's ANALYZE).
  analyze: `TUNE TABLE benchmark_vectors;
TUNE TABLE benchmark_metadata`,
  write_marker: 'INSERT INTO pathbench_dataset (dataset_id, index_spec) VALUES (?, ?)',
  // Fails with SQLCODE -30 (table not found) on a database that was never seeded; the IRIS
  // sessions report that as code 42P01, which readMarker treats as "no marker".
  read_marker: 'SELECT TOP 1 dataset_id, index_spec FROM pathbench_dataset ORDER BY loaded_at DESC',
  // No ef_search in IRIS: bind the requested value and return it, so the call sequence stays the same.
  set_ef_search: 'SELECT ? AS ef_search_requested',
  // Nor pgvector's hnsw.iterative_scan: echoed the same way.
  set_iterative_scan: 'SELECT ? AS iterative_scan_requested',
  count_vectors: 'SELECT COUNT(*) FROM benchmark_vectors',
  count_metadata: 'SELECT COUNT(*) FROM benchmark_metadata',
  // Rows, not a hash: see fingerprintReadBack 'rows' above. Vectors as text (ODBC select mode).
  fingerprint_vectors: 'SELECT id, embedding FROM benchmark_vectors WHERE id BETWEEN ? AND ? ORDER BY id',
  // created_at → epoch milliseconds on the server (DATEDIFF with datepart ms), as the pgvector
  // dialect's (extract(epoch FROM created_at) * 1000)::bigint.
  fingerprint_metadata: `SELECT vector_id, label, category, DATEDIFF('ms', '1970-01-01 00:00:00', created_at)
FROM benchmark_metadata WHERE vector_id BETWEEN ? AND ? ORDER BY vector_id`,
  server_version: 'SELECT $ZVERSION',
  // The release number (e.g. 2025.1) out of $ZVERSION
  // ("IRIS for UNIX (Ubuntu Server LTS for x86-64 Containers) 2025.1 (Build 223U) …").
  vector_version: "SELECT $PIECE($PIECE($ZVERSION, ') ', 2), ' ', 1)",
  vector_available: "SELECT $PIECE($PIECE($ZVERSION, ') ', 2), ' ', 1)",
  server_settings: `SELECT 'hnsw.ef_search' AS name, 'not settable (IRIS HNSW has no session ef_search)' AS setting
UNION ALL SELECT 'namespace', $NAMESPACE`,
  // IRIS keeps no per-table byte counts reachable from SQL; reported as unknown.
  relation_sizes: 'SELECT NULL, NULL',

  // ---- the measured queries ----
  simple_select_all: 'SELECT TOP 10 id, embedding FROM benchmark_vectors ORDER BY id',
  simple_select_id: 'SELECT id, embedding FROM benchmark_vectors WHERE id = ?',
  simple_count: 'SELECT COUNT(*) FROM benchmark_vectors',
  vector_cosine: `SELECT TOP {k} id, 1 - VECTOR_COSINE(embedding, TO_VECTOR(?, FLOAT, {dims})) AS distance
FROM benchmark_vectors
ORDER BY VECTOR_COSINE(embedding, TO_VECTOR(?, FLOAT, {dims})) DESC`,
  vector_l2: `SELECT TOP {k} id, SQRT(2 - 2 * VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims}))) AS distance
FROM benchmark_vectors
ORDER BY VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims})) DESC`,
  vector_inner_product: `SELECT TOP {k} id, VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims})) AS inner_product
FROM benchmark_vectors
ORDER BY VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, FLOAT, {dims})) DESC`,
  join: `SELECT v.id, m.label, m.category, m.created_at
FROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id
WHERE m.label = ?`,
  vector_filter: `SELECT TOP {k} v.id, 1 - VECTOR_COSINE(v.embedding, TO_VECTOR(?, FLOAT, {dims})) AS distance
FROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id
WHERE m.category = ?
ORDER BY VECTOR_COSINE(v.embedding, TO_VECTOR(?, FLOAT, {dims})) DESC`,

  // ---- the write queries (docs/writes.md); not run against a live IRIS here ----
  // INSERT / UPDATE / DELETE with `?` input parameters and TO_VECTOR(?, FLOAT, {dims}) as seed
  // loads rows (copy_vectors above): RSQL_insert, RSQL_update, RSQL_delete, RSQL_tovector in the
  // InterSystems SQL reference. Each runs in autocommit; an HNSW index is maintained on INSERT
  // (GSQL_vecsearch#GSQL_vecsearch_index). Rows affected: %ROWCOUNT (iris-native), the command tag (gateway).
  insert_one: 'INSERT INTO benchmark_vectors (id, embedding) VALUES (?, TO_VECTOR(?, FLOAT, {dims}))',
  update_metadata: 'UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?',
  // Two statements in one measured request (QUERY_STEPS in bind.ts), each in autocommit, as on
  // every dialect: delete one metadata row, insert the same row back with the content the client
  // holds; created_at bound as ODBC timestamp text in UTC, as seed binds it (isoUtcTimestamp).
  delete_insert: 'DELETE FROM benchmark_metadata WHERE vector_id = ?',
  delete_insert_reinsert: 'INSERT INTO benchmark_metadata (vector_id, label, category, created_at) VALUES (?, ?, ?, ?)',
  missing_metadata_ids: `SELECT v.id FROM benchmark_vectors v LEFT JOIN benchmark_metadata m ON m.vector_id = v.id
WHERE m.vector_id IS NULL AND v.id <= ? ORDER BY v.id`,
  delete_written_rows: 'DELETE FROM benchmark_vectors WHERE id > ?',
  written_label_ids: 'SELECT vector_id FROM benchmark_metadata WHERE label LIKE ? ORDER BY vector_id',
  restore_label: 'UPDATE benchmark_metadata SET label = ? WHERE vector_id = ?',
} as const satisfies Dialect;

/**
 * Catalogue parameter behind each `?`, in order of appearance (see lib/targets/bind.ts). The
 * catalogue binds vector_cosine/l2/inner_product as [query_vector, k] and vector_filter as
 * [query_vector, category, k]; k is not bound at all (it is the literal `TOP {k}`), and the
 * vector appears twice, so it is bound twice. Statements not listed bind their parameters in
 * catalogue order (one `?` per parameter).
 */
export const irisBindOrder = {
  vector_cosine: [0, 0],
  vector_l2: [0, 0],
  vector_inner_product: [0, 0],
  vector_filter: [0, 1, 0],
} as const satisfies BindOrder;

/** Query vector as TO_VECTOR input: 'x1,x2,…' (float32 values, printed exactly enough to round-trip). */
export function irisVectorText(v: Float32Array): string {
  return Array.prototype.join.call(v, ',');
}

/** Epoch milliseconds → 'YYYY-MM-DD HH:MM:SS[.fff]' in UTC, the ODBC timestamp text IRIS accepts. */
export function isoUtcTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-01-01T00:00:01.000Z
  const frac = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac === '.000' ? '' : frac}`;
}

/** The minimum IRIS release with vector search (VECTOR type, VECTOR_COSINE, HNSW): 2024.1. */
export const MIN_IRIS_VERSION = [2024, 1] as const;

/**
 * The IRIS SQL statements that assume unit-length vectors (capability `unitVectorQueries` of the
 * targets speaking IRIS SQL): the L2 rewrite above.
 */
export const IRIS_UNIT_VECTOR_QUERIES: Partial<Record<QueryId, string>> = {
  vector_l2: 'IRIS SQL has no L2 distance function; vector_l2 orders by VECTOR_DOT_PRODUCT and reports SQRT(2 − 2·dot), which is the L2 order and distance only for unit-length vectors',
};
