import { resolve } from 'node:path';
import { packageVersion } from '../../env/package-version.js';
import { copyMetadataPayload, copyVectorsPayload, vectorSendBytes } from '../pgvector-sql/copy-binary.js';
import { textVector } from '../pgvector-sql/text-vector.js';
import type { Session, TargetModule } from '../interface.js';
import { dialect } from './dialect.js';
import { WASM_COMPILER } from './wasm-compiler.js';
import { acquireEngine, provisionEmbedded, type EmbeddedEngine } from './engine.js';

/** In-process PGlite + pgvector: the "native API" path of the embedded comparison. */
export function pgliteSession(engine: EmbeddedEngine): Session {
  const db = engine.db;
  let closed = false;
  return {
    async query(sql, params = []) {
      const r = await db.query<unknown[]>(sql, params as unknown[], { rowMode: 'array' });
      // No columns (INSERT/UPDATE/DELETE without RETURNING): the rows affected, as pg-session.ts counts them.
      return { rowCount: r.fields.length === 0 ? (r.affectedRows ?? 0) : r.rows.length, rows: r.rows };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    // One COPY per batch: PGlite runs in this thread, so there is nothing to overlap with, and a
    // blob per batch keeps memory bounded.
    async loadVectors(sql, batches, onBatch) {
      for await (const batch of batches) {
        await db.query(sql, [], { blob: new Blob([copyVectorsPayload(batch) as Uint8Array<ArrayBuffer>]) });
        onBatch?.(batch.count);
      }
    },
    async loadMetadata(sql, chunks) {
      for (const rows of chunks) await db.query(sql, [], { blob: new Blob([copyMetadataPayload(rows) as Uint8Array<ArrayBuffer>]) });
    },
    async close() {
      if (closed) return;
      closed = true;
      await engine.release();
    },
  };
}

export const target: TargetModule = {
  id: 'pglite',
  describe: (o) => `PGlite ${packageVersion('@electric-sql/pglite')} + pgvector, in process (data ${String(o.data_dir)})`,
  dialect,
  capabilities: { concurrentSessions: false, annIndex: true, copy: true, inProcess: true, plans: 'postgres-json' },
  databaseKey: (ctx) => `pglite:${resolve(ctx.root, String(ctx.options.data_dir))}`,
  provision: (ctx) => provisionEmbedded(resolve(ctx.root, String(ctx.options.data_dir))),
  async open(ctx) {
    return pgliteSession(await acquireEngine(resolve(ctx.root, String(ctx.options.data_dir))));
  },
  encodeVector: (v, format) => (format === 'binary' ? new Uint8Array(vectorSendBytes(v)) : textVector(v)),
  isConnectionLoss: (err) => err instanceof WebAssembly.RuntimeError || /PGlite is closed|closed database/i.test(String((err as Error)?.message)),
  async environment(session) {
    const [server] = (await session.query(dialect.server_version)).rows;
    const [vec] = (await session.query(dialect.vector_version)).rows;
    return {
      driver: `@electric-sql/pglite ${packageVersion('@electric-sql/pglite')}`,
      wasm_compiler: WASM_COMPILER,
      extension_package: `@electric-sql/pglite-pgvector ${packageVersion('@electric-sql/pglite-pgvector')}`,
      server_version: String(server?.[0]),
      pgvector_version: String(vec?.[0]),
      settings: (await session.query(dialect.server_settings)).rows.map((r) => `${String(r[0])}=${String(r[1])}`).join(', '),
    };
  },
};
