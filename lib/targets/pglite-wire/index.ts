import { resolve } from 'node:path';
import { packageVersion } from '../../env/package-version.js';
import type pg from 'pg';
import { connectPg, isPgConnectionLoss, pgQueryFor } from '../pg-session.js';
import type { QueryMode } from '../query-mode.js';
import { vectorSendBytes } from '../pgvector-sql/copy-binary.js';
import { textVector } from '../pgvector-sql/text-vector.js';
import { pgliteSession } from '../pglite/index.js';
import { acquireEngine, provisionEmbedded } from '../pglite/engine.js';
import type { TargetModule } from '../interface.js';
import { WASM_COMPILER } from '../pglite/wasm-compiler.js';
import { dialect } from './dialect.js';

/**
 * pg (node-postgres) -> loopback TCP -> pglite-socket -> the same PGlite instance as `pglite`.
 * The socket server runs inside the measuring process, so the measured time of this path
 * includes the driver's encoding/parsing, the loopback round trip and the server's message
 * handling, all on the same event loop as the client.
 */
export const target: TargetModule = {
  id: 'pglite-wire',
  describe: (o) =>
    `pg ${packageVersion('pg')} → pglite-socket ${packageVersion('@electric-sql/pglite-socket')} on ${String(o.host)}:${String(o.port) === '0' ? 'any free port' : String(o.port)} → PGlite (data ${String(o.data_dir)})`,
  dialect,
  capabilities: { concurrentSessions: false, annIndex: true, copy: true, inProcess: true, plans: 'postgres-json', wireQueryModes: { placeholders: 'dollar', literals: 'postgres' } },
  databaseKey: (ctx) => `pglite:${resolve(ctx.root, String(ctx.options.data_dir))}`,
  provision: (ctx) => provisionEmbedded(resolve(ctx.root, String(ctx.options.data_dir))),
  async open(ctx) {
    const o = ctx.options as { data_dir: string; host: string; port: number; connect_timeout_s: number; query_mode?: QueryMode };
    const engine = await acquireEngine(resolve(ctx.root, o.data_dir));
    let client: pg.Client;
    try {
      const addr = await engine.wireAddress(o.host, o.port);
      client = await connectPg({
        host: addr.host,
        port: addr.port,
        user: 'postgres',
        database: 'postgres',
        connectionTimeoutMillis: o.connect_timeout_s * 1000,
      });
    } catch (err) {
      await engine.release();
      throw new Error(`cannot serve or reach pglite-socket on ${o.host}:${o.port}: ${(err as Error).message}`, { cause: err });
    }
    // Bulk loading goes through the in-process API on the same engine (see dialect.ts).
    const inProcess = pgliteSession(engine);
    let closed = false;
    return {
      query: pgQueryFor(client, o.query_mode ?? 'extended'),
      async exec(sql) {
        await client.query(sql);
      },
      loadVectors: (sql, batches, onBatch) => inProcess.loadVectors(sql, batches, onBatch),
      loadMetadata: (sql, chunks) => inProcess.loadMetadata(sql, chunks),
      async close() {
        if (closed) return;
        closed = true;
        await client.end().catch(() => {});
        await inProcess.close();
      },
    };
  },
  encodeVector: (v, format) => (format === 'binary' ? vectorSendBytes(v) : textVector(v)),
  isConnectionLoss: isPgConnectionLoss,
  async environment(session) {
    const [server] = (await session.query(dialect.server_version)).rows;
    const [vec] = (await session.query(dialect.vector_version)).rows;
    return {
      driver: `pg ${packageVersion('pg')}`,
      gateway: `@electric-sql/pglite-socket ${packageVersion('@electric-sql/pglite-socket')}`,
      engine: `@electric-sql/pglite ${packageVersion('@electric-sql/pglite')}`,
      wasm_compiler: WASM_COMPILER,
      server_version: String(server?.[0]),
      pgvector_version: String(vec?.[0]),
      settings: (await session.query(dialect.server_settings)).rows.map((r) => `${String(r[0])}=${String(r[1])}`).join(', '),
    };
  },
};
