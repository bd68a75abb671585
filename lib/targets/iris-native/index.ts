import { splitScript } from '../bind.js';
import { fillTemplate } from '../dialect.js';
import type { OpenContext, QueryOutcome, Session, TargetModule } from '../interface.js';
import { composeUp } from '../iris-sql/compose.js';
import { irisBindOrder, irisDialect, irisVectorText, isoUtcTimestamp } from '../iris-sql/dialect.js';
import { IrisSqlError, isIrisConnectionLoss } from '../iris-sql/errors.js';
import { rowsPerQuery } from '../row-fingerprint.js';
import { irisNativeOptionsSchema, resolveIrisNativePassword, type IrisNativeOptions } from './options.js';
import { loadIrisSdk, type Iris, type IrisConnection, type IrisSdk, type LoadedSdk } from './sdk.js';
import { SERVER_CLASS, ensureServerClass, loadedVersion, readServerClass } from './server-class.js';

function optionsOf(ctx: OpenContext): IrisNativeOptions {
  return irisNativeOptionsSchema.parse(ctx.options);
}

function where(o: IrisNativeOptions): string {
  return `${o.host}:${o.port}/${o.namespace}`;
}

/** ODBC SQL types of timestamp columns (SQL_TIMESTAMP 11, SQL_TYPE_TIMESTAMP 93). */
const ODBC_TIMESTAMP = new Set([11, 93]);

interface Reply {
  rows?: unknown[][];
  types?: number[];
  rowCount?: number;
  error?: { sqlcode: number; message: string };
}

/** Parse PathBench.SQL's JSON reply; an SQL error becomes IrisSqlError (SQLCODE -30 → code 42P01). */
export function parseReply(raw: unknown): Reply {
  let reply: Reply;
  try {
    reply = JSON.parse(String(raw)) as Reply;
  } catch {
    throw new Error(`${SERVER_CLASS} returned something that is not JSON: ${String(raw).slice(0, 200)}`);
  }
  if (reply.error) throw new IrisSqlError(Number(reply.error.sqlcode), String(reply.error.message));
  return reply;
}

/** Rows as the pipeline expects them: timestamps as Date (UTC — the benchmark stores UTC), the rest as IRIS sent it. */
export function toOutcome(reply: Reply): QueryOutcome {
  const rows = reply.rows ?? [];
  const ts = (reply.types ?? []).map((t) => ODBC_TIMESTAMP.has(Number(t)));
  if (ts.some(Boolean)) {
    for (const row of rows) {
      ts.forEach((isTs, i) => {
        const v = row[i];
        if (isTs && typeof v === 'string' && v !== '') row[i] = new Date(`${v.replace(' ', 'T')}Z`);
      });
    }
  }
  return { rowCount: rows.length, rows };
}

/** A bound value as the SDK passes it to ObjectScript (strings and numbers; no nulls in this workload). */
function toIrisArg(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return isoUtcTimestamp(v.getTime());
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) throw new Error('iris-native: NULL parameters are not supported (the SDK treats a null argument as "omitted")');
  return v;
}

/**
 * A session over one Native SDK connection. Each query is one classMethodValue call (one round
 * trip): PathBench.SQL.Query prepares, executes and returns all rows as JSON. The SDK calls are
 * synchronous; wrapping them in async functions makes their exceptions rejections.
 */
export function nativeSession(iris: Iris, connection: IrisConnection): Session {
  const call = (method: string, ...args: unknown[]): Reply => parseReply(iris.classMethodValue(SERVER_CLASS, method, ...args));
  let closed = false;
  return {
    async query(sql, params = []) {
      return toOutcome(call('Query', sql, ...params.map(toIrisArg)));
    },
    async exec(script) {
      for (const statement of splitScript(script)) call('Query', statement);
    },
    // One round trip per page of rows: PathBench.SQL.Batch executes the INSERT once per row, in one transaction.
    async loadVectors(sql, batches, onBatch) {
      for (const batch of batches) {
        const insert = fillTemplate(sql, { dims: batch.dims });
        const page = rowsPerQuery(batch.dims);
        for (let first = 0; first < batch.count; first += page) {
          const rows: [number, string][] = [];
          for (let r = first; r < Math.min(batch.count, first + page); r++) {
            rows.push([batch.firstId + r, irisVectorText(batch.data.subarray(r * batch.dims, (r + 1) * batch.dims))]);
          }
          call('Batch', insert, JSON.stringify(rows));
        }
        onBatch?.(batch.count);
      }
    },
    async loadMetadata(sql, chunks) {
      for (const chunk of chunks) {
        const rows = chunk.map((m) => [m.vectorId, m.label, m.category, isoUtcTimestamp(m.createdAtMs)]);
        call('Batch', sql, JSON.stringify(rows));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        connection.close();
      } catch {
        // closing a dead connection: nothing to release
      }
    },
  };
}

/** Connect with the SDK; failures say where and what to do. */
export function connectNative(sdk: IrisSdk, o: IrisNativeOptions): { connection: IrisConnection; iris: Iris } {
  let connection: IrisConnection;
  try {
    connection = sdk.createConnection({
      host: o.host,
      port: o.port,
      ns: o.namespace,
      user: o.user,
      pwd: resolveIrisNativePassword(o),
      sharedmemory: o.shared_memory,
      timeout: o.connect_timeout_s,
    });
  } catch (err) {
    const hint = o.provision === 'docker' ? '`make provision` starts it (docker compose up -d --wait iris)' : 'start IRIS (docker compose up -d --wait iris) or set provision: docker';
    throw new Error(`cannot connect to IRIS at ${where(o)} as ${o.user}: ${(err as Error).message || String(err)}; ${hint}`, { cause: err });
  }
  return { connection, iris: connection.createIris() };
}

const sdkLabels = new WeakMap<Session, { sdk: string; iris: Iris }>();

function sdkFor(ctx: OpenContext, o: IrisNativeOptions): LoadedSdk {
  return loadIrisSdk(ctx.root, o.sdk_path);
}

export const target: TargetModule = {
  id: 'iris-native',
  describe: (raw) => {
    const o = irisNativeOptionsSchema.parse(raw);
    return `InterSystems IRIS Native SDK for Node.js → IRIS superserver at ${where(o)} (user ${o.user}, one round trip per query via ${SERVER_CLASS}, provision ${o.provision})`;
  },
  dialect: irisDialect,
  bindOrder: irisBindOrder,
  // plans 'none': IRIS SQL's EXPLAIN (an XML plan) is not read yet, see README *ef_search sweep*.
  capabilities: { concurrentSessions: true, annIndex: true, copy: false, vectorSupport: 'builtin', fingerprintReadBack: 'rows', efSearch: 'fixed', plans: 'none' },
  // Keyed like iris-pgwire in iris mode: the two paths read one IRIS database, loaded once.
  databaseKey: (ctx) => {
    const o = optionsOf(ctx);
    return `iris:${o.host}:${o.port}/${o.namespace}`;
  },
  async provision(ctx) {
    const o = optionsOf(ctx);
    const lines: string[] = [];
    if (o.provision === 'docker') lines.push(await composeUp(ctx.root, 'iris', `${o.host}:${o.port}`, ctx.serverStarted));
    const { sdk } = sdkFor(ctx, o);
    const { connection, iris } = connectNative(sdk, o);
    try {
      lines.push(ensureServerClass(iris, o.namespace, readServerClass(ctx.root)));
    } finally {
      connection.close();
    }
    return lines.join('; ');
  },
  async open(ctx) {
    const o = optionsOf(ctx);
    const loaded = sdkFor(ctx, o);
    const { connection, iris } = connectNative(loaded.sdk, o);
    const expected = readServerClass(ctx.root).version;
    const version = loadedVersion(iris);
    if (version !== expected) {
      try {
        connection.close();
      } catch {
        // ignore
      }
      throw new Error(
        `${SERVER_CLASS} ${version === undefined ? 'is not loaded' : `is version ${version}, not ${expected},`} in namespace ${o.namespace} at ${where(o)}; ` +
          'run `make provision` (it loads iris/PathBench.SQL.cls through the SDK)',
      );
    }
    const session = nativeSession(iris, connection);
    sdkLabels.set(session, { sdk: loaded.label, iris });
    return session;
  },
  // IRIS takes vectors as text (TO_VECTOR); there is no binary vector parameter. vector_param_format does not apply.
  encodeVector: (v) => irisVectorText(v),
  isConnectionLoss: isIrisConnectionLoss,
  async environment(session) {
    const one = async (sql: string) => String((await session.query(sql)).rows[0]?.[0]);
    const info = sdkLabels.get(session);
    let api = 'unknown';
    try {
      api = info?.iris.getAPIVersion?.() ?? 'unknown';
    } catch {
      // older SDKs
    }
    return {
      driver: `InterSystems IRIS Native SDK for Node.js (${info?.sdk ?? 'unknown'}, API ${api})`,
      server_version: await one(irisDialect.server_version),
      vector_support: `InterSystems IRIS ${await one(irisDialect.vector_version)} (built in)`,
      vector_params: 'text (TO_VECTOR)',
      settings: (await session.query(irisDialect.server_settings)).rows.map((r) => `${String(r[0])}=${String(r[1])}`).join(', '),
    };
  },
};
