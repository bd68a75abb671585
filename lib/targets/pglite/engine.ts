import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { dialect, VECTOR_TYPE_OID_SQL } from './dialect.js';
import { optimiseWasmUpFront } from './wasm-compiler.js';

/**
 * One PGlite instance per data directory per process, shared by the pglite target (in-process
 * API) and the pglite-wire target (pglite-socket server + pg). A PGlite data directory can be
 * open in one instance only, so both paths must go through this host.
 *
 * Reference-counted: acquire() once per session, release() once per session; the instance and
 * its socket server close when the last session releases.
 */
export class EmbeddedEngine {
  #refs = 0;
  #server: PGLiteSocketServer | undefined;
  #address: { host: string; port: number } | undefined;

  private constructor(
    readonly dataDir: string,
    readonly db: PGlite,
  ) {}

  static async open(dataDir: string): Promise<EmbeddedEngine> {
    await mkdir(dataDir, { recursive: true });
    // Before the module is compiled: see wasm-compiler.ts for why and what it costs.
    optimiseWasmUpFront();
    const db = await PGlite.create({ dataDir, extensions: { vector } });
    await db.exec(dialect.create_extension);
    const oid = (await db.query<{ oid: number }>(VECTOR_TYPE_OID_SQL)).rows[0]!.oid;
    // PGlite calls toString() on parameters unless a serializer exists for the type's OID;
    // passing typed arrays through untouched makes them travel as binary (vector_recv).
    (db.serializers as Record<number, (x: unknown) => unknown>)[oid] = (x) => x;
    return new EmbeddedEngine(dataDir, db);
  }

  /**
   * Start the PostgreSQL-wire socket server on first call; later calls return its address.
   * Throws (EADDRINUSE, EADDRNOTAVAIL, ...) when it cannot listen.
   */
  async wireAddress(host: string, port: number): Promise<{ host: string; port: number }> {
    if (this.#address) return this.#address;
    // maxConnections > 1 lets several pg clients connect; they still share one PGlite session
    // and queue behind each other (capability concurrentSessions: false).
    const server = new PGLiteSocketServer({ db: this.db, host, port, maxConnections: 16 });
    await server.start();
    const conn = server.getServerConn();
    const actualPort = Number(conn.slice(conn.lastIndexOf(':') + 1));
    this.#server = server;
    this.#address = { host, port: Number.isFinite(actualPort) && actualPort > 0 ? actualPort : port };
    return this.#address;
  }

  acquire(): this {
    this.#refs++;
    return this;
  }

  async release(): Promise<void> {
    if (--this.#refs > 0) return;
    engines.delete(this.dataDir);
    const server = this.#server;
    this.#server = undefined;
    this.#address = undefined;
    if (server) await server.stop().catch(() => {});
    if (!this.db.closed) await this.db.close().catch(() => {});
  }
}

const engines = new Map<string, Promise<EmbeddedEngine>>();

export async function acquireEngine(dataDir: string): Promise<EmbeddedEngine> {
  const key = resolve(dataDir);
  let p = engines.get(key);
  if (!p) {
    p = EmbeddedEngine.open(key);
    engines.set(key, p);
    p.catch(() => engines.delete(key));
  }
  return (await p).acquire();
}

/** provision for the embedded targets: only the data directory has to exist. Idempotent. */
export async function provisionEmbedded(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  return `embedded engine, data directory ${dataDir} (nothing to start)`;
}
