import { emptyDispatch, type OpenLoopDispatch } from './open-loop.js';
import type { ClientLoad } from './client-load.js';

/**
 * How a target's sessions, schedule and samples are split over client threads (config
 * `client_threads`, lib/measure/client-threads.ts) and merged back — pure arithmetic, no thread.
 *
 * - Sessions: S sessions over min(T, S) threads in contiguous blocks, the first S mod T threads
 *   one session more (S = 5, T = 2: sessions 0–2 and 3–4). Session numbers stay global: a
 *   thread's local session l is session base + l in every stored row.
 * - Open-loop schedule: request i belongs to the thread that owns session i mod S, so each thread
 *   gets a share proportional to its sessions, interleaved over the whole level (a thinned copy of
 *   the same seeded arrival process), in schedule order.
 * - Closed-loop sweep: client k runs on the thread that owns session k, its requests unchanged.
 * - Merge: every raw sample goes back to its global index; nothing is averaged. Percentiles are
 *   computed later over the union of raw samples, as for one thread.
 */
export interface ThreadBlock {
  /** First global session of the thread. */
  base: number;
  /** Sessions (= sweep clients) the thread owns. */
  count: number;
}

export function sessionBlocks(sessions: number, threads: number): ThreadBlock[] {
  if (!(sessions >= 1) || !(threads >= 1)) throw new RangeError(`client threads: ${sessions} sessions over ${threads} threads`);
  const t = Math.min(threads, sessions);
  const each = Math.floor(sessions / t);
  const extra = sessions % t;
  const out: ThreadBlock[] = [];
  let base = 0;
  for (let j = 0; j < t; j++) {
    const count = each + (j < extra ? 1 : 0);
    out.push({ base, count });
    base += count;
  }
  return out;
}

/** The thread that owns global session s. */
export function threadOfSession(blocks: readonly ThreadBlock[], s: number): number {
  for (let j = 0; j < blocks.length; j++) if (s < blocks[j]!.base + blocks[j]!.count) return j;
  throw new RangeError(`client threads: session ${s} is beyond ${blocks.length} blocks`);
}

/** The global indices of each thread's open-loop requests, ascending (request i → owner of session i mod S). */
export function scheduleShares(requests: number, blocks: readonly ThreadBlock[]): Int32Array[] {
  const sessions = blocks.reduce((n, b) => n + b.count, 0);
  const ownerOf = Int32Array.from({ length: sessions }, (_, s) => threadOfSession(blocks, s));
  const counts = new Int32Array(blocks.length);
  for (let i = 0; i < requests; i++) counts[ownerOf[i % sessions]!]!++;
  const out = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(blocks.length);
  for (let i = 0; i < requests; i++) {
    const j = ownerOf[i % sessions]!;
    out[j]![fill[j]!++] = i;
  }
  return out;
}

export function pick(values: Float64Array, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let l = 0; l < indices.length; l++) out[l] = values[indices[l]!]!;
  return out;
}

/** What one thread sends back for its share of an open-loop level (errors already as text). */
export interface ThreadDispatch extends Omit<OpenLoopDispatch, 'errors' | 'lost'> {
  errors: [number, string][];
  lost?: string;
  /** origin → this thread's last completion, ns. */
  wallNs: number;
  load: ClientLoad;
}

/**
 * The level's timings from every thread's share: each local sample to its global request, local
 * sessions to global ones. maxQueue is the deepest queue of any thread (each thread queues its own
 * requests); wallNs the latest thread's; the first loss in thread order is reported.
 */
export function mergeDispatches(n: number, shares: readonly Int32Array[], blocks: readonly ThreadBlock[], parts: readonly ThreadDispatch[]): Omit<OpenLoopDispatch, 'aborted'> & { wallNs: number } {
  const { startNs, endNs, sessionOf, queued, dropped, errors } = emptyDispatch(n);
  let maxQueue = 0;
  let wallNs = 0;
  let lost: string | undefined;
  parts.forEach((p, j) => {
    const idx = shares[j]!;
    if (p.startNs.length !== idx.length) throw new RangeError(`client thread ${j + 1}: ${p.startNs.length} samples for a share of ${idx.length}`);
    const base = blocks[j]!.base;
    for (let l = 0; l < idx.length; l++) {
      const i = idx[l]!;
      startNs[i] = p.startNs[l]!;
      endNs[i] = p.endNs[l]!;
      sessionOf[i] = p.sessionOf[l]! < 0 ? -1 : base + p.sessionOf[l]!;
      queued[i] = p.queued[l]!;
      dropped[i] = p.dropped[l]!;
    }
    for (const [l, text] of p.errors) errors.set(idx[l]!, text);
    maxQueue = Math.max(maxQueue, p.maxQueue);
    wallNs = Math.max(wallNs, p.wallNs);
    lost ??= p.lost;
  });
  return { startNs, endNs, sessionOf, queued, dropped, errors, maxQueue, wallNs, lost };
}

/** What one thread sends back for its clients of a sweep level: (client block × requests) slots. */
export interface ThreadSweep {
  startNs: Float64Array;
  elapsedNs: Float64Array;
  /** 1 + query index, 0 = not run. */
  queryOf: Uint16Array;
  errors: [number, string][];
  lost?: string;
  wallNs: number;
  load: ClientLoad;
}

/** Slots of the whole level (client k's request j at k × requests + j) from every thread's block of clients. */
export function mergeSweeps(requests: number, blocks: readonly ThreadBlock[], parts: readonly ThreadSweep[]) {
  const clients = blocks.reduce((n, b) => n + b.count, 0);
  const n = clients * requests;
  const startNs = new Float64Array(n);
  const elapsedNs = new Float64Array(n);
  const queryOf = new Uint16Array(n);
  const errors = new Map<number, unknown>();
  let wallNs = 0;
  let lost: string | undefined;
  parts.forEach((p, j) => {
    const offset = blocks[j]!.base * requests;
    if (p.startNs.length !== blocks[j]!.count * requests) throw new RangeError(`client thread ${j + 1}: ${p.startNs.length} sweep slots for ${blocks[j]!.count} clients × ${requests}`);
    startNs.set(p.startNs, offset);
    elapsedNs.set(p.elapsedNs, offset);
    queryOf.set(p.queryOf, offset);
    for (const [l, text] of p.errors) errors.set(offset + l, text);
    wallNs = Math.max(wallNs, p.wallNs);
    lost ??= p.lost;
  });
  return { startNs, elapsedNs, queryOf, errors, wallNs, lost };
}

/**
 * The client load of a level run on threads: each thread watched its own event loop. cpu_cores is
 * the busiest thread's event-loop utilisation (the share of the level its loop was not idle: one
 * thread cannot use more than one core, and Node 20 has no per-thread CPU clock), delays are the
 * worst thread's, samples the fewest any thread recorded (a delay is "observed" only if every
 * thread observed it); wall time is the level's.
 */
export function mergeThreadLoads(loads: readonly ClientLoad[], wallS: number): ClientLoad {
  const max = (f: (l: ClientLoad) => number) => Math.max(...loads.map(f));
  const resolution = loads[0]?.event_loop_resolution_ms;
  return {
    cpu_cores: max((l) => l.cpu_cores),
    event_loop_delay_p50_ms: max((l) => l.event_loop_delay_p50_ms),
    event_loop_delay_p99_ms: max((l) => l.event_loop_delay_p99_ms),
    event_loop_delay_max_ms: max((l) => l.event_loop_delay_max_ms),
    event_loop_samples: Math.min(...loads.map((l) => l.event_loop_samples ?? 0)),
    ...(resolution === undefined ? {} : { event_loop_resolution_ms: resolution }),
    wall_s: Math.round(wallS * 1000) / 1000,
  };
}
