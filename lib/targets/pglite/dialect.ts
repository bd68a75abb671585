import type { Dialect } from '../dialect.js';
import { pgvectorDialect } from '../pgvector-sql/dialect.js';

/**
 * PGlite is PostgreSQL compiled to WASM with the same pgvector, so it reuses the pgvector
 * dialect. Only bulk loading differs: PGlite has no client stream for COPY FROM STDIN, but reads
 * an in-memory blob as the file '/dev/blob'.
 */
export const dialect = {
  ...pgvectorDialect,
  copy_vectors: "COPY benchmark_vectors (id, embedding) FROM '/dev/blob' WITH (FORMAT binary)",
  copy_metadata: "COPY benchmark_metadata (vector_id, label, category, created_at) FROM '/dev/blob' WITH (FORMAT binary)",
} as const satisfies Dialect;

/** Engine-internal: the OID of the vector type, to register a binary pass-through serializer. */
export const VECTOR_TYPE_OID_SQL = "SELECT 'vector'::regtype::oid AS oid";
