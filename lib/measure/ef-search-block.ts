import { TargetUnavailableError, errorText } from '../errors.js';
import type { OpenTarget } from '../pipeline/targets.js';
import type { EfSearchBlockRow, EfSearchSampleRow } from '../store/ef-search.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { PreparedCall } from './prepare.js';
import { timedCall } from './timed-call.js';

/**
 * One block of the ef_search sweep: `calls.length` requests of one query on one target's
 * measuring session, one client, back to back, with whatever ef_search the session has (the
 * caller sets it before). The timed region is timedCall(): nothing but the driver call — execute
 * plus full fetch — between the two clock readings; results go to preallocated arrays and become
 * rows after the block. The block's wall time (first start to last end) gives its QPS.
 */
export async function runEfSearchBlock(o: {
  runId: string;
  target: OpenTarget;
  query: QueryTemplate;
  /** null: the target cannot set ef_search (measured at its default) */
  efSearch: number | null;
  calls: readonly PreparedCall[];
  signal?: AbortSignal;
}): Promise<{ block: EfSearchBlockRow; samples: EfSearchSampleRow[] }> {
  const n = o.calls.length;
  const session = o.target.session;
  const startNs = new Float64Array(n);
  const elapsedNs = new Float64Array(n);
  const errors = new Map<number, unknown>();
  let done = 0;

  const origin = process.hrtime.bigint();
  for (let j = 0; j < n; j++) {
    const call = o.calls[j]!;
    const { t0, elapsedNs: took, error } = await timedCall(session, call.sql, call.params, call.then);
    startNs[j] = Number(t0 - origin);
    elapsedNs[j] = Number(took);
    done = j + 1;
    if (error !== undefined) {
      errors.set(j, error);
      if (o.target.module.isConnectionLoss(error)) {
        const at = o.efSearch === null ? 'default ef_search' : `ef_search ${o.efSearch}`;
        throw new TargetUnavailableError([{ target: o.target.id, reason: `lost during the ef_search sweep (${o.query.id}, ${at}): ${errorText(error)}` }], 'ef_search sweep');
      }
    }
    if (o.signal?.aborted) throw o.signal.reason;
  }
  const wallNs = done ? startNs[done - 1]! + elapsedNs[done - 1]! : 0;

  const samples: EfSearchSampleRow[] = new Array(done);
  for (let j = 0; j < done; j++) {
    const err = errors.get(j);
    samples[j] = {
      run_id: o.runId, target: o.target.id, ef_search: o.efSearch, query_id: o.query.id, seq: j,
      start_ns: startNs[j]!, elapsed_ns: elapsedNs[j]!, ok: err === undefined ? 1 : 0, error: err === undefined ? null : errorText(err),
    };
  }
  return {
    block: { run_id: o.runId, target: o.target.id, ef_search: o.efSearch, query_id: o.query.id, requests: done, wall_ns: wallNs, ef_tunable: o.efSearch === null ? 0 : 1 },
    samples,
  };
}
