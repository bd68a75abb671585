import { parentPort, workerData } from 'node:worker_threads';
import { timedSyncCall } from '../../measure/in-thread-call.js';
import { connectNative } from './connect.js';
import { loadIrisSdk, type IrisConnection } from './sdk.js';
import { SERVER_CLASS, loadedVersion, readServerClass } from './server-class.js';
import { serverCalls, type ServerCalls } from './server-calls.js';
import { toWire, type Reply, type Request, type WorkerStart } from './worker-protocol.js';

/**
 * The worker thread of one iris-native session: it loads the Native SDK, opens the session's own
 * connection, checks PathBench.SQL's version, says 'ready', then serves the session's requests one
 * at a time. The SDK blocks this thread during every call — not the main thread, so sessions run
 * concurrently and the main thread's statement watchdog can terminate a call that never returns.
 * Queries are timed here by lib/measure (timedSyncCall), around the SDK call and nothing else.
 */
const port = parentPort!;
const start = workerData as WorkerStart;
const post = (r: Reply) => port.postMessage(r);

let connection: IrisConnection | undefined;
let calls: ServerCalls | undefined;
try {
  const loaded = loadIrisSdk(start.root, start.options.sdk_path);
  const opened = connectNative(loaded.sdk, start.options);
  connection = opened.connection;
  const o = start.options;
  const expected = readServerClass(start.root).version;
  const version = loadedVersion(opened.iris);
  if (version !== expected) {
    throw new Error(
      `${SERVER_CLASS} ${version === undefined ? 'is not loaded' : `is version ${version}, not ${expected},`} in namespace ${o.namespace} at ${o.host}:${o.port}/${o.namespace}; ` +
        'run `make provision` (it loads iris/PathBench.SQL.cls through the SDK)',
    );
  }
  calls = serverCalls(opened.iris);
  let api = 'unknown';
  try {
    api = opened.iris.getAPIVersion?.() ?? 'unknown';
  } catch {
    // older SDKs
  }
  post({ type: 'ready', sdk: loaded.label, api });
} catch (err) {
  try {
    connection?.close();
  } catch {
    // nothing to release
  }
  post({ type: 'failed', error: toWire(err) });
  port.close();
}

if (calls) {
  const c = calls;
  port.on('message', (m: Request) => {
    switch (m.op) {
      case 'query': {
        const r = timedSyncCall(() => c.query(m.sql, m.params));
        post(r.ok ? { type: 'done', id: m.id, rows: r.value.rows, rowCount: r.value.rowCount, timing: r.timing } : { type: 'error', id: m.id, error: toWire(r.error), timing: r.timing });
        return;
      }
      case 'exec':
      case 'batch':
        try {
          if (m.op === 'exec') c.exec(m.script);
          else c.batch(m.sql, m.rowsJson);
          post({ type: 'done', id: m.id });
        } catch (err) {
          post({ type: 'error', id: m.id, error: toWire(err) });
        }
        return;
      case 'close':
        try {
          connection?.close();
        } catch {
          // closing a dead connection: nothing to release
        }
        post({ type: 'done', id: m.id });
        port.close();
        return;
    }
  });
}
