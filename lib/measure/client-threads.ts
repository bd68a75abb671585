import { Worker } from 'node:worker_threads';
import { PathbenchError, ExitCode, TargetUnavailableError } from '../errors.js';
import type { FromThread, ThreadStart, ThreadTargetSpec, ToThread } from './client-thread-protocol.js';
import type { OpenLoopTimings } from './open-loop.js';
import type { PreparedCall } from './prepare.js';
import { mergeDispatches, mergeSweeps, mergeThreadLoads, pick, scheduleShares, sessionBlocks, type ThreadBlock, type ThreadDispatch, type ThreadSweep } from './thread-share.js';
import { DEFAULT_WAKE, type WakeKind } from './wake.js';
import { originAtEpoch } from './shard-clock.js';

const ENTRY = new URL('./client-thread.mjs', import.meta.url);
/** The origin of a level lies this far after the last thread said it is armed (ns): the `go` message gets there first. */
const GO_MARGIN_NS = 5_000_000;

/**
 * A target's client threads (config `client_threads`, like pgbench -j): N worker threads, each
 * with sessions of its own (lib/measure/client-thread.ts). The main thread only splits the work,
 * sets each level's origin and merges the raw samples back (lib/measure/thread-share.ts); it
 * reads the clock only to choose the origin. Lifecycle: start → (openSessions → levels →
 * closeSessions)* → close. A thread that crashes (an uncaught error, an exit) fails the level
 * in progress and every later call with TargetUnavailableError naming the thread and the target
 * (exit 3); a thread that cannot open its sessions the same way.
 */
export class ClientThreads {
  readonly #spec: ThreadTargetSpec;
  readonly #stage: string;
  readonly #workers: Worker[];
  readonly #waiting: ({ resolve: (m: FromThread) => void; reject: (e: Error) => void } | undefined)[];
  readonly #dead: (Error | undefined)[];
  #blocks: ThreadBlock[] = [];
  #closing = false;

  private constructor(spec: ThreadTargetSpec, threads: number, stage: string) {
    this.#spec = spec;
    this.#stage = stage;
    this.#waiting = Array.from({ length: threads }, () => undefined);
    this.#dead = Array.from({ length: threads }, () => undefined);
    this.#workers = Array.from({ length: threads }, (_, j) => {
      const w = new Worker(ENTRY, { workerData: { thread: j, threads, target: spec } satisfies ThreadStart });
      w.on('message', (m: FromThread) => {
        const waiter = this.#waiting[j];
        this.#waiting[j] = undefined;
        if (m.type === 'failed') waiter?.reject(this.#failure(j, m.message, m.unavailable));
        else waiter?.resolve(m);
      });
      w.on('error', (err) => this.#crash(j, `crashed: ${err.message}`));
      w.on('exit', (code) => {
        if (!this.#closing) this.#crash(j, `exited (code ${code}) during the run`);
      });
      return w;
    });
  }

  /** Starts `threads` threads for one target; resolves when each has loaded the target's module. */
  static async start(spec: ThreadTargetSpec, threads: number, stage: string): Promise<ClientThreads> {
    const t = new ClientThreads(spec, threads, stage);
    try {
      await Promise.all(t.#workers.map((_, j) => t.#reply(j)));
    } catch (err) {
      await t.close();
      throw err;
    }
    return t;
  }

  get threads(): number {
    return this.#workers.length;
  }

  #name(j: number): string {
    return `client thread ${j + 1} of ${this.#workers.length}`;
  }

  #failure(j: number, message: string, unavailable: boolean): Error {
    return unavailable
      ? new TargetUnavailableError([{ target: this.#spec.id, reason: `${this.#name(j)}: ${message}` }], this.#stage)
      : new PathbenchError(`${this.#stage}: ${this.#name(j)} of target ${this.#spec.id} failed: ${message}`, ExitCode.failure);
  }

  #crash(j: number, what: string): void {
    if (this.#dead[j]) return;
    const err = new TargetUnavailableError([{ target: this.#spec.id, reason: `${this.#name(j)} ${what}` }], this.#stage);
    this.#dead[j] = err;
    this.#waiting[j]?.reject(err);
    this.#waiting[j] = undefined;
  }

  /** The next reply of thread j (requests are strictly one at a time per thread). */
  #reply(j: number): Promise<FromThread> {
    const dead = this.#dead[j];
    if (dead) return Promise.reject(dead);
    return new Promise((resolve, reject) => (this.#waiting[j] = { resolve, reject }));
  }

  async #ask(j: number, m: ToThread, transfer: ArrayBuffer[] = []): Promise<FromThread> {
    const reply = this.#reply(j);
    this.#workers[j]!.postMessage(m, transfer);
    return reply;
  }

  /** Opens `sessions` sessions split over the threads (sessionBlocks); returns the split. */
  async openSessions(sessions: number): Promise<ThreadBlock[]> {
    this.#blocks = sessionBlocks(sessions, this.#workers.length);
    await Promise.all(this.#blocks.map((b, j) => this.#ask(j, { type: 'open', sessions: b.count })));
    return this.#blocks;
  }

  async closeSessions(): Promise<void> {
    const blocks = this.#blocks;
    this.#blocks = [];
    await Promise.all(blocks.map((_, j) => (this.#dead[j] ? undefined : this.#ask(j, { type: 'close' }))));
  }

  /**
   * Every active thread is armed (its share sent, its load watch running); then one origin for
   * all, a little ahead, and `go`. Resolves with each thread's result in thread order.
   */
  async #level<T extends FromThread>(messages: ToThread[], signal: AbortSignal | undefined, startAtEpochMs?: number): Promise<{ parts: T[]; startLateMs?: number }> {
    await Promise.all(messages.map((m, j) => this.#ask(j, m)));
    const done = messages.map((_, j) => this.#reply(j) as Promise<T>);
    const onAbort = () => messages.forEach((_, j) => this.#workers[j]!.postMessage({ type: 'abort' } satisfies ToThread));
    signal?.addEventListener('abort', onAbort);
    try {
      // A sharded level's origin is its shared instant, even when passed (lib/measure/shard-clock.ts).
      const at = startAtEpochMs === undefined ? undefined : originAtEpoch(startAtEpochMs);
      const origin = at?.origin ?? process.hrtime.bigint() + BigInt(GO_MARGIN_NS);
      messages.forEach((_, j) => this.#workers[j]!.postMessage({ type: 'go', origin } satisfies ToThread));
      if (signal?.aborted) onAbort();
      return { parts: await Promise.all(done), ...(at ? { startLateMs: at.lateMs } : {}) };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * One open-loop level over the open sessions: each thread runs its share of the schedule
   * (scheduleShares) with its own dispatcher; the timings come back merged, sample for sample.
   */
  async openLoopLevel(o: { schedule: Float64Array; calls: readonly PreparedCall[]; dropAfterNs: number; wake?: WakeKind; signal?: AbortSignal; startAtEpochMs?: number }): Promise<OpenLoopTimings> {
    const n = o.schedule.length;
    if (o.calls.length !== n) throw new RangeError(`open loop: ${o.calls.length} calls for ${n} scheduled requests`);
    const blocks = this.#blocks;
    if (blocks.length === 0) throw new RangeError('open loop: no session is open on the client threads');
    const shares = scheduleShares(n, blocks);
    const messages: ToThread[] = shares.map((idx) => ({
      type: 'open-loop', schedule: pick(o.schedule, idx), calls: Array.from(idx, (i) => o.calls[i]!), dropAfterNs: o.dropAfterNs, wake: o.wake ?? DEFAULT_WAKE,
    }));
    const level = await this.#level<{ type: 'open-loop-done'; result: ThreadDispatch }>(messages, o.signal, o.startAtEpochMs);
    const parts = level.parts.map((m) => m.result);
    const merged = mergeDispatches(n, shares, blocks, parts);
    return {
      ...merged, aborted: o.signal?.aborted === true, clientLoad: mergeThreadLoads(parts.map((p) => p.load), merged.wallNs / 1e9),
      ...(level.startLateMs !== undefined ? { startLateMs: level.startLateMs } : {}),
    };
  }

  /** The sweep's bound calls ([query][i]), sent once per target, before its levels. */
  async setSweepCalls(calls: readonly (readonly PreparedCall[])[]): Promise<void> {
    await Promise.all(this.#workers.map((_, j) => this.#ask(j, { type: 'sweep-calls', calls: calls.map((c) => [...c]) })));
  }

  /** One closed-loop sweep level: client k runs on the thread owning session k; slots merged back. */
  async sweepLevel(o: { requests: number; signal?: AbortSignal }) {
    const blocks = this.#blocks;
    if (blocks.length === 0) throw new RangeError('sweep: no session is open on the client threads');
    const messages: ToThread[] = blocks.map((b) => ({ type: 'sweep', clients: Array.from({ length: b.count }, (_, c) => b.base + c), requests: o.requests }));
    const parts = (await this.#level<{ type: 'sweep-done'; result: ThreadSweep }>(messages, o.signal)).parts.map((m) => m.result);
    const merged = mergeSweeps(o.requests, blocks, parts);
    return { ...merged, clients: blocks.reduce((n, b) => n + b.count, 0), clientLoad: mergeThreadLoads(parts.map((p) => p.load), merged.wallNs / 1e9) };
  }

  /** Ends every thread (their sessions with them); safe to call twice. */
  async close(): Promise<void> {
    if (this.#closing) return;
    try {
      await this.closeSessions();
    } catch {
      // a dead thread's sessions end with it
    }
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
