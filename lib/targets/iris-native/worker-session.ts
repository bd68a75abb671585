import { Worker } from 'node:worker_threads';
import { ExitCode, PathbenchError } from '../../errors.js';
import type { Session } from '../interface.js';
import { metadataPages, vectorPages, type BatchPage } from './batch-pages.js';
import { where } from './connect.js';
import { fromWire, type Reply, type Request, type WorkerStart } from './worker-protocol.js';

/**
 * An iris-native session on the main thread: a proxy to a worker thread of its own
 * (session-worker.ts) that holds the session's Native SDK connection. The SDK is synchronous — a
 * call blocks its thread until IRIS answers — so running it here would serialise every session of
 * the process behind one call and leave no timer able to fire during a hung one.
 *
 * Contract
 * - One request at a time per session (every loop in lib/measure awaits each call).
 * - query() resolves with the rows and `timing`: the readings lib/measure took around the SDK call
 *   inside the worker (QueryOutcome.timing); an error carries them too, as its `timing` property.
 * - Statement timeout (statement_timeout_s, 0 = none): one unref'd interval per session looks at
 *   the request in flight every timeout/4 (as pg-session.ts watchStatements does for pg); when the
 *   same request is still in flight on 4 further ticks — it has run at least the timeout and at
 *   most 1.25 × it — the worker is terminated, the request rejects with a connection-loss error
 *   naming the timeout, and so does every later call: the run aborts (exit 3) naming the target.
 *   Opening the session (SDK load, connect, version check) is watched the same way.
 *   worker.terminate() stops JavaScript at once (a busy loop, an Atomics.wait: tested against the
 *   SDK test double); a call blocked inside a native addon is only abandoned — the main thread
 *   goes on, the thread ends when the call returns (see docs/targets.md, iris-native).
 */
export interface WorkerSessionInfo {
  /** Where the SDK was loaded from and its version. */
  sdk: string;
  /** Iris.getAPIVersion(), or 'unknown'. */
  api: string;
}

const WORKER_ENTRY = new URL('./session-worker.mjs', import.meta.url);
const WATCH_TICKS = 4;
/** How long close() waits for the worker to end before leaving it (ms). */
const CLOSE_WAIT_MS = 2000;

const bounded = (p: Promise<unknown>, ms: number): Promise<unknown> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    p.then(resolve, resolve).finally(() => clearTimeout(t));
  });

export async function openWorkerSession(start: WorkerStart, statementTimeoutMs: number): Promise<{ session: Session; info: WorkerSessionInfo }> {
  const at = where(start.options);
  const worker = new Worker(WORKER_ENTRY, { workerData: start });
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;
  let closed = false;

  const fail = (err: Error) => {
    if (dead) return;
    dead = err;
    if (timer) clearInterval(timer);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  // Request 0 is opening the session: the worker's first message answers it.
  const opened = new Promise<Reply>((resolve, reject) => pending.set(0, { resolve, reject }));
  worker.on('message', (r: Reply) => {
    const id = r.type === 'ready' || r.type === 'failed' ? 0 : r.id;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.resolve(r);
  });
  worker.on('error', (err) => fail(new Error(`iris-native: the session's worker thread failed: ${err.message}; connection lost`)));
  worker.on('exit', (code) => {
    if (!closed) fail(new Error(`iris-native: the session's worker thread exited (code ${code}); connection lost`));
  });

  let seen: number | undefined;
  let ticks = 0;
  const timer =
    statementTimeoutMs > 0
      ? setInterval(() => {
          const head = pending.keys().next().value;
          if (head !== undefined && head === seen) {
            if (++ticks < WATCH_TICKS) return;
            fail(new Error(`no answer from IRIS at ${at} for ${statementTimeoutMs / 1000} s (statement_timeout_s): the session's worker thread was terminated and its connection closed as stalled`));
            void worker.terminate();
          } else {
            seen = head;
            ticks = 0;
          }
        }, statementTimeoutMs / WATCH_TICKS)
      : undefined;
  timer?.unref();

  const request = (r: Request): Promise<Reply> => {
    if (dead) return Promise.reject(dead);
    if (closed) return Promise.reject(new Error('iris-native: the session is closed'));
    return new Promise((resolve, reject) => {
      pending.set(r.id, { resolve, reject });
      worker.postMessage(r);
    });
  };
  const send = async (page: BatchPage) => {
    const r = await request({ id: nextId++, op: 'batch', sql: page.sql, rowsJson: page.rowsJson });
    if (r.type === 'error') throw fromWire(r.error);
  };

  let first: Reply;
  try {
    first = await opened;
  } catch (err) {
    closed = true;
    await bounded(worker.terminate(), CLOSE_WAIT_MS);
    throw err;
  }
  if (first.type !== 'ready') {
    closed = true;
    await bounded(worker.terminate(), CLOSE_WAIT_MS);
    const e = first.type === 'failed' ? first.error : { message: 'unexpected first message from the worker' };
    const inWorker = /cannot load/.test(e.message) ? ' (iris-native loads the SDK inside each session\'s worker thread: see docs/targets.md, iris-native)' : '';
    throw e.exitCode === undefined ? new Error(e.message + inWorker) : new PathbenchError(e.message + inWorker, e.exitCode as ExitCode);
  }

  const session: Session = {
    async query(sql, params = []) {
      const r = await request({ id: nextId++, op: 'query', sql, params });
      if (r.type === 'error') throw Object.assign(fromWire(r.error), { timing: r.timing });
      if (r.type !== 'done') throw new Error(`iris-native: unexpected reply ${r.type}`);
      return { rowCount: r.rowCount ?? 0, rows: r.rows ?? [], timing: r.timing };
    },
    async exec(script) {
      const r = await request({ id: nextId++, op: 'exec', script });
      if (r.type === 'error') throw fromWire(r.error);
    },
    async loadVectors(sql, batches, onBatch) {
      for await (const batch of batches) {
        for (const page of vectorPages(sql, [batch])) {
          await send(page);
          if (page.completes) onBatch?.(page.completes);
        }
      }
    },
    async loadMetadata(sql, chunks) {
      for (const page of metadataPages(sql, chunks)) await send(page);
    },
    async close() {
      if (closed) return;
      if (!dead) await bounded(request({ id: nextId++, op: 'close' }), CLOSE_WAIT_MS);
      closed = true;
      fail(new Error('iris-native: the session is closed'));
      await bounded(worker.terminate(), CLOSE_WAIT_MS);
    },
  };
  return { session, info: { sdk: first.sdk, api: first.api } };
}
