import type { PreparedCall } from './prepare.js';
import type { ThreadDispatch, ThreadSweep } from './thread-share.js';
import type { WakeKind } from './wake.js';

/**
 * Messages between the main thread (lib/measure/client-threads.ts) and a client thread
 * (lib/measure/client-thread.ts). Strictly request → reply, one request at a time per thread,
 * except `go` and `abort`, which the main thread sends while a level is armed or running.
 */
export interface ThreadTargetSpec {
  /** The instance name, as messages name it. */
  id: string;
  /** The registry type the thread loads (a named instance's `type`; the id itself for a plain target). */
  type: string;
  /** The target's options (as parsed by its schema) and the project root: the thread opens its own sessions with them. */
  options: Record<string, unknown>;
  root: string;
  /** Statements every session runs once opened, untimed (lib/pipeline/session-setup.ts sessionSettingCalls). */
  setup: PreparedCall[];
  /**
   * A module exporting `target` to use instead of the registry's entry for `id` (test doubles:
   * the registry of a thread is its own, so a target registered at run time is not in it).
   */
  moduleUrl?: string;
}

export interface ThreadStart {
  /** 0-based; messages name it 1-based ("client thread 2 of 4"). */
  thread: number;
  threads: number;
  target: ThreadTargetSpec;
}

export type ToThread =
  | { type: 'open'; sessions: number }
  | { type: 'close' }
  | { type: 'open-loop'; schedule: Float64Array; calls: PreparedCall[]; dropAfterNs: number; wake: WakeKind }
  | { type: 'sweep-calls'; calls: PreparedCall[][] }
  | { type: 'sweep'; clients: number[]; requests: number }
  | { type: 'go'; origin: bigint }
  | { type: 'abort' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'opened' }
  | { type: 'closed' }
  | { type: 'stored' }
  | { type: 'armed' }
  | { type: 'open-loop-done'; result: ThreadDispatch }
  | { type: 'sweep-done'; result: ThreadSweep }
  | { type: 'failed'; message: string; unavailable: boolean };

/**
 * Structured cloning turns a Buffer parameter (a binary vector) into a plain Uint8Array; node-postgres
 * would copy it back into a Buffer on every request. Done once here, before any timed loop, as a view.
 */
export function asBuffers(calls: readonly PreparedCall[]): PreparedCall[] {
  return calls.map((c) =>
    c.params.some((p) => p instanceof Uint8Array && !Buffer.isBuffer(p))
      ? { sql: c.sql, params: c.params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p)) }
      : c,
  );
}
