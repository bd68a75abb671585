import { errorText } from '../errors.js';
import type { OpenLoopSampleRow } from '../store/open-loop.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { OpenLoopTimings } from './open-loop.js';

/**
 * One stored row per scheduled request of a level. `late` is decided here, once, with the
 * level's threshold (stored beside it in open_loop_levels): start − intended > lateThresholdNs.
 * Requests neither sent nor dropped (only after an abort or a loss) are not stored: such a level
 * is never stored at all, because the caller throws first.
 */
export function openLoopRows(o: {
  runId: string;
  target: string;
  offeredRate: number;
  schedule: Float64Array;
  /** The query of each request. */
  queryOf: readonly QueryTemplate[];
  timings: OpenLoopTimings;
  lateThresholdNs: number;
  /** A shard's level (docs/shards.md): the position of each of its requests in the full schedule (stored as seq). */
  seqOf?: Uint32Array;
}): OpenLoopSampleRow[] {
  const t = o.timings;
  const rows: OpenLoopSampleRow[] = [];
  for (let i = 0; i < o.schedule.length; i++) {
    const sent = t.sessionOf[i]! >= 0;
    const dropped = t.dropped[i] === 1;
    if (!sent && !dropped) continue;
    const q = o.queryOf[i]!;
    const err = t.errors.get(i);
    const intended = o.schedule[i]!;
    rows.push({
      run_id: o.runId, target: o.target, offered_rate: o.offeredRate, seq: o.seqOf ? o.seqOf[i]! : i, session: sent ? t.sessionOf[i]! : null,
      query_id: q.id, category: q.category, intended_ns: intended,
      start_ns: sent ? t.startNs[i]! : null, end_ns: sent ? t.endNs[i]! : null,
      queued: t.queued[i] === 1 ? 1 : 0,
      late: sent && t.startNs[i]! - intended > o.lateThresholdNs ? 1 : 0,
      dropped: dropped ? 1 : 0,
      ok: sent ? (err === undefined ? 1 : 0) : null,
      error: err === undefined ? null : errorText(err),
    });
  }
  return rows;
}
