import type pg from 'pg';
import { packageVersion } from '../../env/package-version.js';
import { numberPlaceholders, splitScript } from '../bind.js';
import { fillTemplate } from '../dialect.js';
import type { Capabilities, OpenContext, Session, TargetModule } from '../interface.js';
import { IRIS_UNIT_VECTOR_QUERIES, irisVectorText, isoUtcTimestamp } from '../iris-sql/dialect.js';
import { asMissingTable } from '../iris-sql/errors.js';
import { connectPg, isPgConnectionLoss, pgQuery } from '../pg-session.js';
import type { QueryMode } from '../query-mode.js';
import { textVector } from '../pgvector-sql/text-vector.js';
import { dialects } from './dialect.js';
import { GATEWAY_UNSUPPORTED } from './pgvector-gateway-dialect.js';
import { irisPgwireOptionsSchema, resolveIrisPgwirePassword, type IrisPgwireOptions } from './options.js';
import { provisionIrisPgwire } from './provision.js';

type Mode = IrisPgwireOptions['dialect'];

function optionsOf(ctx: OpenContext): IrisPgwireOptions {
  // Options arrive parsed by the registry's schema; parsing again fills defaults for direct callers (tests).
  return irisPgwireOptionsSchema.parse(ctx.options);
}

function where(o: IrisPgwireOptions): string {
  return `${o.host}:${o.port}/${o.database}`;
}

function connectionConfig(o: IrisPgwireOptions): pg.ClientConfig {
  const password = resolveIrisPgwirePassword(o);
  return {
    host: o.host,
    port: o.port,
    database: o.database,
    user: o.user,
    ...(password !== undefined ? { password } : {}),
    connectionTimeoutMillis: o.connect_timeout_s * 1000,
    application_name: 'pathbench',
    // No `types`: connectPg keeps timestamps as text. The gateway reports IRIS TIMESTAMP as
    // `timestamp` without time zone (OID 1114); the verification hash reads that text as UTC,
    // as the benchmark stores UTC (lib/verify/result-hash.ts).
  };
}

async function connect(o: IrisPgwireOptions): Promise<pg.Client> {
  try {
    return await connectPg(connectionConfig(o));
  } catch (err) {
    const hint =
      o.provision === 'docker'
        ? '; `make provision` starts it (docker compose up -d --wait iris-pgwire)'
        : '; start it (docker compose up -d --wait iris-pgwire, or python -m iris_pgwire.server) or set provision: docker';
    throw new Error(`cannot connect to the iris-pgwire gateway at ${where(o)}: ${(err as Error).message || String(err)}${hint}`, { cause: err });
  }
}

/**
 * IRIS SQL over pg, in both modes. Statements are written with `?`; the gateway turns PostgreSQL's
 * numbered `$n` into IRIS `?` in order of appearance (protocol.py, translate_postgres_parameters),
 * so the session numbers the `?` in order before sending ($1, $2, … — bindFor has already expanded
 * repeated parameters, so the numbers never need to reorder anything). The pgvector mode's
 * measured queries arrive already numbered and contain no `?`: they pass unchanged. Scripts are
 * split into single statements. `query` uses the statement protocol `mode` (pgQuery). No COPY: rows are inserted one statement each, in one transaction
 * per batch.
 */
function irisOverPgSession(client: pg.Client, mode: QueryMode): Session {
  const numbered = new Map<string, string>();
  const names = new Map<string, string>();
  const text = (sql: string): string => {
    let t = numbered.get(sql);
    if (t === undefined) numbered.set(sql, (t = numberPlaceholders(sql)));
    return t;
  };
  const inTransaction = async (fn: () => Promise<void>) => {
    await client.query('BEGIN');
    try {
      await fn();
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  };
  let closed = false;
  return {
    async query(sql, params) {
      try {
        return await pgQuery(client, text(sql), params, mode, names);
      } catch (err) {
        throw asMissingTable(err);
      }
    },
    async exec(script) {
      for (const statement of splitScript(script)) {
        try {
          await client.query(statement);
        } catch (err) {
          throw asMissingTable(err);
        }
      }
    },
    async loadVectors(sql, batches, onBatch) {
      let insert: string | undefined;
      for await (const batch of batches) {
        insert ??= numberPlaceholders(fillTemplate(sql, { dims: batch.dims }));
        const statement = insert;
        await inTransaction(async () => {
          for (let r = 0; r < batch.count; r++) {
            const v = batch.data.subarray(r * batch.dims, (r + 1) * batch.dims);
            await client.query(statement, [batch.firstId + r, irisVectorText(v)]);
          }
        });
        onBatch?.(batch.count);
      }
    },
    async loadMetadata(sql, chunks) {
      const statement = numberPlaceholders(sql);
      for (const rows of chunks) {
        await inTransaction(async () => {
          for (const m of rows) await client.query(statement, [m.vectorId, m.label, m.category, isoUtcTimestamp(m.createdAtMs)]);
        });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}

// Both modes read and write IRIS through the gateway with IRIS SQL; they differ only in the SQL
// of the measured queries, and the pgvector mode declares the ones the gateway cannot run.
// plans 'none': behind the gateway is IRIS, whose EXPLAIN returns an XML plan this project does
// not read yet (and a pgvector-mode `EXPLAIN (FORMAT JSON)` is not translated).
const IRIS_BEHIND_GATEWAY: Capabilities = { concurrentSessions: true, annIndex: true, copy: false, vectorSupport: 'builtin', fingerprintReadBack: 'rows', efSearch: 'fixed', plans: 'none' };
// Literals in the SQL-standard form for both dialects: the gateway hands the text on to IRIS.
const CAPABILITIES: Record<Mode, Capabilities> = {
  iris: { ...IRIS_BEHIND_GATEWAY, unitVectorQueries: IRIS_UNIT_VECTOR_QUERIES, wireQueryModes: { placeholders: 'question', literals: 'standard' } },
  pgvector: { ...IRIS_BEHIND_GATEWAY, unsupportedQueries: GATEWAY_UNSUPPORTED, wireQueryModes: { placeholders: 'dollar', literals: 'standard' } },
};

function describe(raw: Record<string, unknown>): string {
  const o = irisPgwireOptionsSchema.parse(raw);
  const dialect = o.dialect === 'iris' ? 'dialect iris' : 'dialect pgvector: measured queries in pgvector SQL for the gateway to translate, the rest IRIS SQL';
  return `pg ${packageVersion('pg')} → the iris-pgwire gateway at ${where(o)} (user ${o.user}, ${dialect}, provision ${o.provision})`;
}

/** What each mode binds for a query vector; recorded in the run's environment. */
const VECTOR_PARAMS: Record<Mode, string> = {
  iris: 'text (TO_VECTOR)',
  pgvector: "text '[x1,…]' (pgvector text form, bound as a text parameter; vector_param_format does not apply: the gateway cannot decode vector_send bytes)",
};

/** The module for one mode. Exported for tests; the registry uses `target`, which picks the mode from the options. */
export function irisPgwireModule(mode: Mode): TargetModule {
  const { dialect, bindOrder } = dialects[mode];
  return {
    id: 'iris-pgwire',
    describe,
    dialect,
    bindOrder,
    capabilities: CAPABILITIES[mode],
    databaseKey(ctx) {
      const o = optionsOf(ctx);
      // The IRIS behind the gateway, keyed like iris-native so the two share one load (both modes).
      return `iris:${o.iris_host}:${o.iris_port}/${o.database}`;
    },
    provision: (ctx) => provisionIrisPgwire(optionsOf(ctx), ctx.root, ctx.serverStarted),
    open: async (ctx) => {
      const o = optionsOf(ctx);
      return irisOverPgSession(await connect(o), o.query_mode);
    },
    // Text in both modes, whatever vector_param_format says: IRIS takes TO_VECTOR text; the gateway
    // reads a pgvector text literal but not vector_send bytes (pgvector-gateway-dialect.ts).
    encodeVector: (v) => (mode === 'iris' ? irisVectorText(v) : textVector(v)),
    isConnectionLoss: isPgConnectionLoss,
    async environment(session) {
      const one = async (sql: string) => String((await session.query(sql)).rows[0]?.[0]);
      const settings = (await session.query(dialect.server_settings)).rows.map((r) => `${String(r[0])}=${String(r[1])}`).join(', ');
      return {
        driver: `pg ${packageVersion('pg')}`, gateway: 'iris-pgwire', gateway_dialect: mode, server_version: await one(dialect.server_version), settings,
        vector_support: `InterSystems IRIS ${await one(dialect.vector_version)} (built in)`, vector_params: VECTOR_PARAMS[mode],
      };
    },
  };
}

const modules: Record<Mode, TargetModule> = { iris: irisPgwireModule('iris'), pgvector: irisPgwireModule('pgvector') };
let selected: TargetModule | undefined;

function select(ctx: OpenContext): TargetModule {
  selected = modules[optionsOf(ctx).dialect];
  return selected;
}

function current(): TargetModule {
  if (!selected) {
    throw new Error('iris-pgwire: its dialect depends on target_options.iris-pgwire.dialect; databaseKey, provision or open must be called first');
  }
  return selected;
}

/**
 * The registered module. Its SQL depends on an option, but a module is loaded before options are
 * known, so it delegates to the module of the mode given by the last databaseKey / provision /
 * open call — every stage makes one of those before it reads the dialect. One mode per process.
 */
export const target: TargetModule = {
  id: 'iris-pgwire',
  describe,
  get dialect() {
    return current().dialect;
  },
  get bindOrder() {
    return current().bindOrder;
  },
  get capabilities() {
    return current().capabilities;
  },
  databaseKey: (ctx) => select(ctx).databaseKey(ctx),
  provision: (ctx) => select(ctx).provision(ctx),
  open: (ctx) => select(ctx).open(ctx),
  encodeVector: (v, format) => current().encodeVector(v, format),
  isConnectionLoss: isPgConnectionLoss,
  environment: (session) => current().environment(session),
};
