import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../errors.js';
import type { Session, TargetModule } from '../targets/interface.js';
import { loadTarget } from '../targets/registry.js';
import { watchClientLoadArmed } from './client-load.js';
import { asBuffers, type FromThread, type ThreadStart, type ToThread } from './client-thread-protocol.js';
import { dispatchOpenLoop } from './open-loop.js';
import type { PreparedCall } from './prepare.js';
import { runSweepClients } from './sweep.js';
import { openWake } from './wake.js';

/**
 * A client thread (config `client_threads`, like pgbench -j): it loads the target's module, opens
 * its own sessions, and runs its share of each level — the open-loop dispatcher over its share of
 * the schedule, or the closed-loop clients of its block — reading the clock itself, in this
 * thread, with the same lib/measure code as the main thread: nothing but the query between the
 * two readings. The level's origin comes from the main thread (`go`), so every thread's offsets
 * share one origin (process.hrtime.bigint() is one CLOCK_MONOTONIC for every thread). Samples go
 * back as typed arrays whose buffers are transferred, not copied; errors as text.
 */
const port = parentPort!;
const start = workerData as ThreadStart;
const post = (m: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

let module: TargetModule;
let sessions: Session[] = [];
let sweepCalls: PreparedCall[][] = [];
let go: ((origin: bigint) => void) | undefined;
let abort = new AbortController();

const originFromMain = () => new Promise<bigint>((resolve) => (go = resolve));

async function untilOrigin(origin: bigint): Promise<void> {
  for (;;) {
    const left = Number(origin - process.hrtime.bigint());
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.ceil(left / 1e6)));
  }
}

async function handle(m: ToThread): Promise<void> {
  switch (m.type) {
    case 'go':
      go?.(m.origin);
      go = undefined;
      return;
    case 'abort':
      abort.abort(new Error('aborted by the main thread'));
      return;
    case 'open': {
      const ctx = { options: start.target.options, root: start.target.root };
      for (let k = 0; k < m.sessions; k++) {
        const s = await module.open(ctx);
        sessions.push(s);
        for (const call of start.target.setup) await s.query(call.sql, call.params);
      }
      post({ type: 'opened' });
      return;
    }
    case 'close':
      await Promise.all(sessions.map((s) => s.close()));
      sessions = [];
      post({ type: 'closed' });
      return;
    case 'sweep-calls':
      sweepCalls = m.calls.map(asBuffers);
      post({ type: 'stored' });
      return;
    case 'open-loop': {
      abort = new AbortController();
      const calls = asBuffers(m.calls);
      const wake = await openWake(m.wake);
      try {
        const load = await watchClientLoadArmed({ cpu: 'thread' });
        post({ type: 'armed' });
        const origin = await originFromMain();
        const d = await dispatchOpenLoop(
          { sessions, schedule: m.schedule, calls, dropAfterNs: m.dropAfterNs, isConnectionLoss: (e) => module.isConnectionLoss(e), signal: abort.signal },
          origin,
          wake,
        );
        const wallNs = Number(process.hrtime.bigint() - origin);
        const clientLoad = await load.stop();
        const { startNs, endNs, sessionOf, queued, dropped, maxQueue, aborted } = d;
        post(
          {
            type: 'open-loop-done',
            result: {
              startNs, endNs, sessionOf, queued, dropped, maxQueue, aborted, wallNs, load: clientLoad,
              errors: [...d.errors].map(([i, e]) => [i, errorText(e)]),
              ...(d.lost === undefined ? {} : { lost: errorText(d.lost) }),
            },
          },
          [startNs.buffer, endNs.buffer, sessionOf.buffer, queued.buffer, dropped.buffer] as ArrayBuffer[],
        );
      } finally {
        await wake.close();
      }
      return;
    }
    case 'sweep': {
      abort = new AbortController();
      const load = await watchClientLoadArmed({ cpu: 'thread' });
      post({ type: 'armed' });
      const origin = await originFromMain();
      await untilOrigin(origin);
      const r = await runSweepClients({
        sessions, clients: m.clients, calls: sweepCalls, requests: m.requests, origin, isConnectionLoss: (e) => module.isConnectionLoss(e), signal: abort.signal,
      });
      const clientLoad = await load.stop();
      const { startNs, elapsedNs, queryOf, wallNs } = r;
      post(
        {
          type: 'sweep-done',
          result: {
            startNs, elapsedNs, queryOf, wallNs, load: clientLoad,
            errors: [...r.errors].map(([i, e]) => [i, errorText(e)]),
            ...(r.lost === undefined ? {} : { lost: errorText(r.lost) }),
          },
        },
        [startNs.buffer, elapsedNs.buffer, queryOf.buffer] as ArrayBuffer[],
      );
      return;
    }
  }
}

// One request at a time, in order; `go` and `abort` act at once (a level is waiting for them).
let chain = Promise.resolve();
port.on('message', (m: ToThread) => {
  if (m.type === 'go' || m.type === 'abort') {
    void handle(m);
    return;
  }
  chain = chain.then(() =>
    handle(m).catch((err: unknown) => {
      let unavailable = m.type === 'open';
      try {
        unavailable ||= module?.isConnectionLoss(err) === true;
      } catch {
        // a broken classifier is no reason to lose the message
      }
      post({ type: 'failed', message: errorText(err), unavailable });
    }),
  );
});

try {
  module = start.target.moduleUrl ? ((await import(start.target.moduleUrl)) as { target: TargetModule }).target : await loadTarget(start.target.type);
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: errorText(err), unavailable: true });
}
