import type { Dialect } from '../dialect.js';
import { pgvectorDialect } from '../pgvector-sql/dialect.js';

/**
 * A real PostgreSQL server speaks the shared pgvector dialect (COPY FROM STDIN included). Only
 * the index build differs: the vectors table is mostly TOAST, so the planner sees a tiny heap and
 * plans zero parallel workers for CREATE INDEX unless the table carries parallel_workers.
 */
export const dialect = {
  ...pgvectorDialect,
  create_hnsw_index: `ALTER TABLE benchmark_vectors SET (parallel_workers = {parallel_workers});
    ${pgvectorDialect.create_hnsw_index}`,
} as const satisfies Dialect;

/** Session setting applied right after connecting (the HNSW build's memory). */
export const SET_MAINTENANCE_WORK_MEM_SQL = "SELECT set_config('maintenance_work_mem', $1, false)";

/** This session's transport as the server sees it (untimed; environment only): encrypted?, TLS version, cipher. */
export const TLS_STATE_SQL = 'SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()';
