import { TargetUnavailableError, errorText } from '../errors.js';
import type { OpenTarget } from '../pipeline/targets.js';
import type { Session } from '../targets/interface.js';
import type { SweepLevelRow, SweepSampleRow } from '../store/sweep.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { PreparedCall } from './prepare.js';
import { timedCall } from './timed-call.js';
import { watchClientLoadArmed, type ClientLoad } from './client-load.js';
import { levelClientLoadColumns } from '../store/level-client-load.js';

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
}): Promise<{ level: SweepLevelRow; samples: SweepSampleRow[]; clientLoad: ClientLoad }> {
  const c = o.sessions.length;
  const q = o.queries.length;
  const n = c * o.requests;
  const startNs = new Float64Array(n);
  const elapsedNs = new Float64Array(n);
  const queryOf = new Uint16Array(n);
  const errors = new Map<number, unknown>();
  let lost: unknown;

  const load = await watchClientLoadArmed();
  const origin = process.hrtime.bigint();
  const client = async (k: number) => {
    const session = o.sessions[k]!;
    for (let j = 0; j < o.requests && lost === undefined && !o.signal?.aborted; j++) {
      const qi = (j + k) % q;
      const seq = o.calls[qi]!;
      const call = seq[(k * o.requests + j) % seq.length]!;
      const slot = k * o.requests + j;
      const { t0, elapsedNs: took, error } = await timedCall(session, call.sql, call.params);
      startNs[slot] = Number(t0 - origin);
      elapsedNs[slot] = Number(took);
      queryOf[slot] = qi + 1; // 0 = not run
      if (error !== undefined) {
        errors.set(slot, error);
        if (o.target.module.isConnectionLoss(error)) lost = error;
      }
    }
  };
  await Promise.all(Array.from({ length: c }, (_, k) => client(k)));
  const wallNs = Number(process.hrtime.bigint() - origin);
  const clientLoad = await load.stop();
  if (lost !== undefined) {
    throw new TargetUnavailableError([{ target: o.target.id, reason: `lost during the concurrency sweep (${c} clients): ${errorText(lost)}` }], 'sweep');
  }
  if (o.signal?.aborted) throw o.signal.reason;
  const samples: SweepSampleRow[] = [];
  for (let slot = 0; slot < n; slot++) {
    if (queryOf[slot] === 0) continue;
    const t = o.queries[queryOf[slot]! - 1]!;
    const err = errors.get(slot);
    samples.push({
      run_id: o.runId, target: o.target.id, concurrency: c, client: Math.floor(slot / o.requests), query_id: t.id, category: t.category,
      start_ns: startNs[slot]!, elapsed_ns: elapsedNs[slot]!, ok: err === undefined ? 1 : 0, error: err === undefined ? null : errorText(err),
    });
  }
  return {
    level: { run_id: o.runId, target: o.target.id, concurrency: c, wall_ns: wallNs, concurrent_sessions: o.target.module.capabilities.concurrentSessions ? 1 : 0,
      ...levelClientLoadColumns(clientLoad, o.target.module.capabilities.inProcess === true),
    },
    samples,
    clientLoad,
  };
}
