import type pg from 'pg';
import type { Session } from '../interface.js';
import { pgQueryFor } from '../pg-session.js';
import type { QueryMode } from '../query-mode.js';
import { copyMetadataRows, copyVectorRows } from './copy-binary.js';
import { copyIn } from './copy-in.js';

/**
 * A Session over one pg client to a server that speaks the pgvector dialect unchanged (PostgreSQL,
 * or iris-pgwire in pgvector mode): numbered parameters, multi-statement scripts, binary COPY FROM
 * STDIN; `query` in the statement protocol `mode` (pgQuery). close() is idempotent and never throws.
 */
export function pgvectorServerSession(client: pg.Client, mode: QueryMode): Session {
  let closed = false;
  return {
    query: pgQueryFor(client, mode),
    async exec(sql) {
      await client.query(sql);
    },
    loadVectors: (sql, batches, onBatch) => copyIn(client, sql, batches, copyVectorRows, (b) => onBatch?.(b.count)),
    loadMetadata: (sql, chunks) => copyIn(client, sql, chunks, copyMetadataRows),
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
