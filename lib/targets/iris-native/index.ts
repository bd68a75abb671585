import type { OpenContext, Session, TargetModule } from '../interface.js';
import { composeUp } from '../iris-sql/compose.js';
import { IRIS_UNIT_VECTOR_QUERIES, irisBindOrder, irisDialect, irisVectorText } from '../iris-sql/dialect.js';
import { isIrisConnectionLoss } from '../iris-sql/errors.js';
import { connectNative, where } from './connect.js';
import { irisNativeOptionsSchema, type IrisNativeOptions } from './options.js';
import { loadIrisSdk } from './sdk.js';
import { SERVER_CLASS, ensureServerClass, readServerClass } from './server-class.js';
import { openWorkerSession, type WorkerSessionInfo } from './worker-session.js';

export { connectNative } from './connect.js';
export { parseReply, toOutcome } from './server-calls.js';

function optionsOf(ctx: OpenContext): IrisNativeOptions {
  return irisNativeOptionsSchema.parse(ctx.options);
}

const sessionInfo = new WeakMap<Session, WorkerSessionInfo>();

export const target: TargetModule = {
  id: 'iris-native',
  describe: (raw) => {
    const o = irisNativeOptionsSchema.parse(raw);
    return `InterSystems IRIS Native SDK for Node.js → IRIS superserver at ${where(o)} (user ${o.user}, one round trip per query via ${SERVER_CLASS}, each session in its own worker thread and timed there, provision ${o.provision})`;
  },
  dialect: irisDialect,
  bindOrder: irisBindOrder,
  // concurrentSessions: real — each session's synchronous SDK calls block only its own worker
  // thread (worker-session.ts). plans 'none': IRIS SQL's EXPLAIN (an XML plan) is not read yet.
  // loader 'preferred': seed loads the IRIS database through this path when it is in the run —
  // one Batch round trip per page in one server-side transaction, statements reaching IRIS
  // verbatim — instead of the gateway's (docs/targets.md, iris-native, *Loading*).
  capabilities: { concurrentSessions: true, annIndex: true, copy: false, vectorSupport: 'builtin', fingerprintReadBack: 'rows', efSearch: 'fixed', plans: 'none', loader: 'preferred', unitVectorQueries: IRIS_UNIT_VECTOR_QUERIES },
  // Keyed like iris-pgwire in iris mode: the two paths read one IRIS database, loaded once.
  databaseKey: (ctx) => {
    const o = optionsOf(ctx);
    return `iris:${o.host}:${o.port}/${o.namespace}`;
  },
  // Provision runs once per stage, before any session: it uses the SDK on the main thread.
  async provision(ctx) {
    const o = optionsOf(ctx);
    const lines: string[] = [];
    if (o.provision === 'docker') lines.push(await composeUp(ctx.root, 'iris', `${o.host}:${o.port}`, ctx.serverStarted));
    const { sdk } = loadIrisSdk(ctx.root, o.sdk_path);
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
    const { session, info } = await openWorkerSession({ root: ctx.root, options: o }, o.statement_timeout_s * 1000);
    sessionInfo.set(session, info);
    return session;
  },
  // IRIS takes vectors as text (TO_VECTOR); there is no binary vector parameter. vector_param_format does not apply.
  encodeVector: (v) => irisVectorText(v),
  isConnectionLoss: isIrisConnectionLoss,
  async environment(session) {
    const one = async (sql: string) => String((await session.query(sql)).rows[0]?.[0]);
    const info = sessionInfo.get(session);
    return {
      driver: `InterSystems IRIS Native SDK for Node.js (${info?.sdk ?? 'unknown'}, API ${info?.api ?? 'unknown'}), one worker thread per session`,
      server_version: await one(irisDialect.server_version),
      vector_support: `InterSystems IRIS ${await one(irisDialect.vector_version)} (built in)`,
      vector_params: 'text (TO_VECTOR)',
      settings: (await session.query(irisDialect.server_settings)).rows.map((r) => `${String(r[0])}=${String(r[1])}`).join(', '),
    };
  },
};
