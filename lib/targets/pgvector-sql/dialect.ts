import type { CompleteDialect } from '../dialect.js';

/**
 * PostgreSQL + pgvector SQL, shared by every target that speaks it (pglite, pglite-wire, and the
 * PostgreSQL server target). Targets reuse this map and override only what differs, saying why.
 *
 * Distances: `<=>` cosine distance, `<->` L2 distance, `<#>` *negative* inner product, so
 * ORDER BY ... ASC returns the nearest / largest-inner-product rows first in all three.
 */
export const pgvectorDialect = {
  ping: 'SELECT 1',
  // clock_timestamp(), not now(): now() is the transaction's start, not the moment of the reply.
  server_clock: 'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8',
  create_extension: 'CREATE EXTENSION IF NOT EXISTS vector',
  drop_tables: 'DROP TABLE IF EXISTS benchmark_metadata, benchmark_vectors, pathbench_dataset',
  create_tables: `
    CREATE TABLE benchmark_vectors (
      id integer PRIMARY KEY,
      embedding vector({dims}) NOT NULL
    );
    CREATE TABLE benchmark_metadata (
      vector_id integer PRIMARY KEY REFERENCES benchmark_vectors (id),
      label text NOT NULL,
      category text NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE TABLE pathbench_dataset (
      dataset_id text NOT NULL,
      index_spec text NOT NULL,
      loaded_at timestamptz NOT NULL DEFAULT now()
    )`,
  // Bulk load in PostgreSQL binary COPY format (see copy-binary.ts). The server target streams it
  // FROM STDIN; pglite overrides these to read an in-memory blob.
  copy_vectors: 'COPY benchmark_vectors (id, embedding) FROM STDIN WITH (FORMAT binary)',
  copy_metadata: 'COPY benchmark_metadata (vector_id, label, category, created_at) FROM STDIN WITH (FORMAT binary)',
  create_secondary_indexes: `
    CREATE INDEX benchmark_metadata_label_idx ON benchmark_metadata (label);
    CREATE INDEX benchmark_metadata_category_idx ON benchmark_metadata (category)`,
  create_hnsw_index:
    'CREATE INDEX benchmark_vectors_embedding_hnsw ON benchmark_vectors USING hnsw (embedding vector_cosine_ops) WITH (m = {m}, ef_construction = {ef_construction})',
  analyze: 'ANALYZE benchmark_vectors; ANALYZE benchmark_metadata',
  write_marker: 'INSERT INTO pathbench_dataset (dataset_id, index_spec) VALUES ($1, $2)',
  // Fails with 42P01 (undefined table) on a database that was never seeded; callers treat that as "no marker".
  read_marker: 'SELECT dataset_id, index_spec FROM pathbench_dataset ORDER BY loaded_at DESC LIMIT 1',
  // set_config() instead of SET because SET cannot take a bound parameter.
  set_ef_search: "SELECT set_config('hnsw.ef_search', $1, false)",
  // pgvector ≥ 0.8: with a filter (vector_filter), keep scanning the index until enough rows pass
  // it, instead of filtering only the ef_search candidates (hnsw.iterative_scan, pgvector README
  // "Iterative Index Scans"). Older pgvector keeps it as an unused placeholder setting.
  set_iterative_scan: "SELECT set_config('hnsw.iterative_scan', $1, false)",
  count_vectors: 'SELECT count(*)::int FROM benchmark_vectors',
  count_metadata: 'SELECT count(*)::int FROM benchmark_metadata',
  // md5 over vector_send() bytes (int16 dims, int16 0, float4 big-endian each) of rows $1..$2 in
  // id order: the generator computes the same bytes in Node, so equal hashes mean equal data.
  fingerprint_vectors: `SELECT md5(string_agg(vector_send(embedding), ''::bytea ORDER BY id))
                        FROM benchmark_vectors WHERE id BETWEEN $1 AND $2`,
  fingerprint_metadata: `SELECT md5(string_agg(vector_id || '|' || label || '|' || category || '|' ||
                           (extract(epoch FROM created_at) * 1000)::bigint, E'\\n' ORDER BY vector_id))
                         FROM benchmark_metadata WHERE vector_id BETWEEN $1 AND $2`,
  server_version: "SELECT current_setting('server_version')",
  vector_version: "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
  // Installed on the server but perhaps not yet created in this database (seed creates it).
  vector_available: "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'",
  // The settings that change what is measured; recorded in each run's environment fingerprint.
  // hnsw.* are custom settings: pg_settings hides them until pgvector's library is loaded in the
  // session, so they are read with current_setting() instead.
  server_settings: `SELECT name, setting || coalesce(unit, '') FROM pg_settings
                    WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'effective_cache_size', 'jit',
                                   'max_parallel_workers_per_gather', 'max_parallel_maintenance_workers',
                                   'synchronous_commit', 'fsync')
                    UNION ALL SELECT 'hnsw.ef_search', coalesce(current_setting('hnsw.ef_search', true), 'default')
                    UNION ALL SELECT 'hnsw.iterative_scan', coalesce(current_setting('hnsw.iterative_scan', true), 'default')
                    ORDER BY 1`,
  relation_sizes: `SELECT pg_total_relation_size('benchmark_vectors')::bigint,
                          coalesce(pg_relation_size(to_regclass('benchmark_vectors_embedding_hnsw')), 0)::bigint`,

  // ---- the measured queries (parameters in catalogue order, see lib/workload/queries.ts) ----
  // ORDER BY id makes the first 10 rows the same on every path (a bare LIMIT is not).
  simple_select_all: 'SELECT id, embedding FROM benchmark_vectors ORDER BY id LIMIT 10',
  simple_select_id: 'SELECT id, embedding FROM benchmark_vectors WHERE id = $1',
  simple_count: 'SELECT count(*) FROM benchmark_vectors',
  vector_cosine: 'SELECT id, embedding <=> $1 AS distance FROM benchmark_vectors ORDER BY embedding <=> $1 LIMIT $2',
  vector_l2: 'SELECT id, embedding <-> $1 AS distance FROM benchmark_vectors ORDER BY embedding <-> $1 LIMIT $2',
  vector_inner_product:
    'SELECT id, (embedding <#> $1) * -1 AS inner_product FROM benchmark_vectors ORDER BY embedding <#> $1 LIMIT $2',
  join: `SELECT v.id, m.label, m.category, m.created_at
         FROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id
         WHERE m.label = $1`,
  vector_filter: `SELECT v.id, v.embedding <=> $1 AS distance
                  FROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id
                  WHERE m.category = $2
                  ORDER BY v.embedding <=> $1 LIMIT $3`,

  // ---- the write queries (category `write`, with `writes: true`; docs/writes.md) ----
  // Each is one statement in autocommit, so its time includes the commit and, for a new vector,
  // the HNSW insert, as an application pays them. Rows affected come from the command tag.
  insert_one: 'INSERT INTO benchmark_vectors (id, embedding) VALUES ($1, $2)',
  update_metadata: 'UPDATE benchmark_metadata SET label = $1 WHERE vector_id = $2',
  // Two statements in one measured request, each in autocommit, the same two on every dialect
  // (QUERY_STEPS in bind.ts): delete one metadata row, then insert the same row back with the
  // content the client holds (the dataset's own label, category and created_at of that id).
  // created_at is bound as UTC text 'YYYY-MM-DD HH:MM:SS' (sqlTimestampUtc), read as a timestamp
  // in UTC whatever the session's TimeZone. Rows affected: 1 + 1.
  delete_insert: 'DELETE FROM benchmark_metadata WHERE vector_id = $1',
  delete_insert_reinsert: "INSERT INTO benchmark_metadata (vector_id, label, category, created_at) VALUES ($1, $2, $3, $4::timestamp AT TIME ZONE 'UTC')",
  // Undo (untimed): insert_one's rows are the ones above the dataset ($1 = dataset_size)…
  delete_written_rows: 'DELETE FROM benchmark_vectors WHERE id > $1',
  // …and update_metadata's labels start with a prefix the dataset never uses ($1 = 'written-%').
  written_label_ids: 'SELECT vector_id FROM benchmark_metadata WHERE label LIKE $1 ORDER BY vector_id',
  restore_label: 'UPDATE benchmark_metadata SET label = $1 WHERE vector_id = $2',
  // …and a delete_insert whose INSERT never ran (a failure or a crash between its two statements).
  missing_metadata_ids: `SELECT v.id FROM benchmark_vectors v LEFT JOIN benchmark_metadata m ON m.vector_id = v.id
                         WHERE m.vector_id IS NULL AND v.id <= $1 ORDER BY v.id`,
} as const satisfies CompleteDialect;

/**
 * Plan capture (capability `plans: 'postgres-json'`, lib/pipeline/query-plans.ts): prefixed to a
 * measured statement and sent with the same bound parameters. Without ANALYZE nothing executes; an
 * unnamed statement is planned with the parameter values, as the measured request is.
 */
export const EXPLAIN_JSON_PREFIX = 'EXPLAIN (FORMAT JSON) ';

/** Index name → access method (btree, hnsw, …) of the benchmark's tables, to name the index a plan uses. */
export const INDEX_METHODS_SQL = `SELECT c.relname::text, a.amname::text
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
  WHERE i.indrelid IN (to_regclass('benchmark_vectors'), to_regclass('benchmark_metadata'))
  ORDER BY 1`;
