import { TargetUnavailableError, errorText } from '../errors.js';
import type { OpenTarget } from '../pipeline/targets.js';
import type { Session } from '../targets/interface.js';
import type { SweepLevelRow, SweepSampleRow } from '../store/sweep.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { PreparedCall } from './prepare.js';
import { timedCall } from './timed-call.js';
import { watchClientLoadArmed, type ClientLoad } from './client-load.js';
import { levelClientLoadColumns } from '../store/level-client-load.js';
import { originAtEpoch, sleepUntil } from './shard-clock.js';

/**
 * The timed part of a sweep level, for the clients `clients` (global client numbers, one session
 * each, in order): client k's request j is query (j + k) mod Q with call (k × requests + j) of that
 * query's sequence, back to back. Slots are local: the c-th listed client's request j at
 * c × requests + j. Start offsets are from `origin`. Used in this thread (runSweepLevel) and in
 * each client thread for its block of clients (lib/measure/client-thread.ts).
 */
export async function runSweepClients(o: {
  sessions: readonly Session[];
  clients: readonly number[];
  calls: readonly (readonly PreparedCall[])[];
  requests: number;
  origin: bigint;
  isConnectionLoss(err: unknown): boolean;
  signal?: AbortSignal;
}): Promise<{ startNs: Float64Array; elapsedNs: Float64Array; queryOf: Uint16Array; errors: Map<number, unknown>; lost: unknown; wallNs: number }> {
  const q = o.calls.length;
  const n = o.clients.length * o.requests;
  const startNs = new Float64Array(n);
  const elapsedNs = new Float64Array(n);
  const queryOf = new Uint16Array(n);
  const errors = new Map<number, unknown>();
  let lost: unknown;
  const origin = o.origin;
  const client = async (c: number) => {
    const k = o.clients[c]!;
    const session = o.sessions[c]!;
    for (let j = 0; j < o.requests && lost === undefined && !o.signal?.aborted; j++) {
      const qi = (j + k) % q;
      const seq = o.calls[qi]!;
      const call = seq[(k * o.requests + j) % seq.length]!;
      const slot = c * o.requests + j;
      const { t0, elapsedNs: took, error } = await timedCall(session, call.sql, call.params, call.then);
      startNs[slot] = Number(t0 - origin);
      elapsedNs[slot] = Number(took);
      queryOf[slot] = qi + 1; // 0 = not run
      if (error !== undefined) {
        errors.set(slot, error);
        if (o.isConnectionLoss(error)) lost = error;
      }
    }
  };
  await Promise.all(o.clients.map((_, c) => client(c)));
  return { startNs, elapsedNs, queryOf, errors, lost, wallNs: Number(process.hrtime.bigint() - origin) };
}

/**
 * One level of the closed-loop concurrency sweep for one target: `sessions.length` clients run at
 * once, each on its own session, each issuing `requests` requests back to back; client k's request
 * j is query (j + k) mod Q with the j-th parameters of that query's sequence (offset by client).
 * The timed region is timedCall() (the contract of runPhase, which inlines it): nothing but the driver call between the clock readings.
 * The client load (lib/measure/client-load.ts) is watched from just before the first request to
 * just after the last completion (armed one 20 ms sampling interval before the level, outside it);
 * the watcher is a libuv timer and runs no JavaScript in between.
 */
export async function runSweepLevel(o: {
  runId: string;
  target: OpenTarget;
  sessions: readonly Session[];
  queries: readonly QueryTemplate[];
  /** [queryIndex][i] bound calls for this target */
  calls: readonly (readonly PreparedCall[])[];
  requests: number;
  signal?: AbortSignal;
  /**
   * A sharded level (docs/shards.md): the global numbers of this shard's clients (one per session)
   * out of the level's `level` clients, and the level's shared instant (epoch ms, host clock). The
   * clients start at the instant; it is the origin even when the shard gets there late.
   */
  shard?: { clients: readonly number[]; level: number; startAtEpochMs: number };
}): Promise<{ level: SweepLevelRow; samples: SweepSampleRow[]; clientLoad: ClientLoad; startLateMs?: number }> {
  const c = o.sessions.length;
  const clients = o.shard?.clients ?? Array.from({ length: c }, (_, k) => k);
  if (clients.length !== c) throw new RangeError(`sweep: ${clients.length} clients for ${c} sessions`);
  const load = await watchClientLoadArmed();
  let origin: bigint;
  let startLateMs: number | undefined;
  if (o.shard) {
    await sleepUntil(o.shard.startAtEpochMs, o.signal);
    ({ origin, lateMs: startLateMs } = originAtEpoch(o.shard.startAtEpochMs));
  } else origin = process.hrtime.bigint();
  const r = await runSweepClients({
    sessions: o.sessions, clients, calls: o.calls, requests: o.requests, origin,
    isConnectionLoss: (err) => o.target.module.isConnectionLoss(err), signal: o.signal,
  });
  const clientLoad = await load.stop();
  const rows = sweepLevelRows({
    runId: o.runId, target: o.target, queries: o.queries, requests: o.requests, clients: c, clientLoad, signal: o.signal, ...r,
    ...(o.shard ? { clientIds: o.shard.clients, level: o.shard.level } : {}),
  });
  return { ...rows, ...(startLateMs !== undefined ? { startLateMs } : {}) };
}

/**
 * The stored rows of a sweep level from its slots (client k's request j at k × requests + j),
 * whichever threads ran them; throws TargetUnavailableError on a loss and the abort reason on an abort.
 */
export function sweepLevelRows(o: {
  runId: string;
  target: OpenTarget;
  queries: readonly QueryTemplate[];
  requests: number;
  clients: number;
  startNs: Float64Array;
  elapsedNs: Float64Array;
  queryOf: Uint16Array;
  errors: ReadonlyMap<number, unknown>;
  lost: unknown;
  wallNs: number;
  clientLoad: ClientLoad;
  signal?: AbortSignal;
  /** A shard's level: the global number of each local client, and the level's client count (stored as concurrency). */
  clientIds?: readonly number[];
  level?: number;
}): { level: SweepLevelRow; samples: SweepSampleRow[]; clientLoad: ClientLoad } {
  const c = o.clients;
  const concurrency = o.level ?? c;
  if (o.lost !== undefined) {
    throw new TargetUnavailableError([{ target: o.target.id, reason: `lost during the concurrency sweep (${c} clients): ${errorText(o.lost)}` }], 'sweep');
  }
  if (o.signal?.aborted) throw o.signal.reason;
  const samples: SweepSampleRow[] = [];
  for (let slot = 0; slot < c * o.requests; slot++) {
    if (o.queryOf[slot] === 0) continue;
    const t = o.queries[o.queryOf[slot]! - 1]!;
    const err = o.errors.get(slot);
    samples.push({
      run_id: o.runId, target: o.target.id, concurrency, client: o.clientIds ? o.clientIds[Math.floor(slot / o.requests)]! : Math.floor(slot / o.requests), query_id: t.id, category: t.category,
      start_ns: o.startNs[slot]!, elapsed_ns: o.elapsedNs[slot]!, ok: err === undefined ? 1 : 0, error: err === undefined ? null : errorText(err),
    });
  }
  return {
    level: { run_id: o.runId, target: o.target.id, concurrency, wall_ns: o.wallNs, concurrent_sessions: o.target.module.capabilities.concurrentSessions ? 1 : 0,
      ...levelClientLoadColumns(o.clientLoad, o.target.module.capabilities.inProcess === true),
    },
    samples,
    clientLoad: o.clientLoad,
  };
}
