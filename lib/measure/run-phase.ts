import { TargetUnavailableError, errorText } from '../errors.js';
import type { SampleRow } from '../store/samples.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { PreparedTarget } from './prepare.js';
import { clockNow, timedCall } from './timed-call.js';

export interface PhaseOptions {
  runId: string;
  phase: 'warmup' | 'measure';
  queries: readonly QueryTemplate[];
  targets: readonly PreparedTarget[];
  iterations: number;
  /** Persist a batch of samples; called between timed calls, never inside one. */
  flush(rows: SampleRow[]): Promise<void>;
  /** Called after each iteration (all queries × all targets). */
  onIteration?(done: number): void;
  flushEvery?: number;
}

export interface PhaseResult {
  samples: number;
  failed: number;
  wallNs: number;
  /** First error per target × query, for the log. */
  firstErrors: Map<string, string>;
}

/**
 * One closed-loop phase. Iteration i runs every query on every target; the target order rotates
 * with i so that machine drift and order effects hit all targets alike. A connection loss aborts
 * the phase (after the samples so far are flushed) with TargetUnavailableError.
 */
export async function runPhase(o: PhaseOptions): Promise<PhaseResult> {
  // Large by default: a mid-phase flush pauses the loop, which shows up in the wall-clock slot of one sample.
  const flushEvery = o.flushEvery ?? 50_000;
  let buffer: SampleRow[] = [];
  let samples = 0;
  let failed = 0;
  const firstErrors = new Map<string, string>();
  const n = o.targets.length;
  const origin = clockNow();

  for (let i = 0; i < o.iterations; i++) {
    for (let qi = 0; qi < o.queries.length; qi++) {
      const q = o.queries[qi]!;
      for (let k = 0; k < n; k++) {
        const pt = o.targets[(i + k) % n]!;
        const call = pt.calls[qi]![i]!;
        const t = await timedCall(pt.target.session, call.sql, call.params);
        const ok = t.error === undefined;
        buffer.push({
          run_id: o.runId,
          target: pt.target.id,
          query_id: q.id,
          category: q.category,
          phase: o.phase,
          iteration: i,
          start_ns: Number(t.t0 - origin),
          elapsed_ns: Number(t.elapsedNs),
          row_count: t.rowCount,
          ok: ok ? 1 : 0,
          error: ok ? null : errorText(t.error),
        });
        samples++;
        if (!ok) {
          failed++;
          const key = `${pt.target.id} ${q.id}`;
          if (!firstErrors.has(key)) firstErrors.set(key, errorText(t.error));
          if (pt.target.module.isConnectionLoss(t.error)) {
            await o.flush(buffer);
            throw new TargetUnavailableError([{ target: pt.target.id, reason: `lost during ${o.phase} (${q.id}, iteration ${i}): ${errorText(t.error)}` }], o.phase);
          }
        }
      }
    }
    if (buffer.length >= flushEvery) {
      await o.flush(buffer);
      buffer = [];
    }
    o.onIteration?.(i + 1);
  }
  const wallNs = Number(clockNow() - origin);
  await o.flush(buffer);
  return { samples, failed, wallNs, firstErrors };
}
