import { TargetUnavailableError, errorText } from '../errors.js';
import type { SampleRow } from '../store/samples.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { PreparedTarget } from './prepare.js';
import { quantileSorted } from '../stats/quantile.js';
import { steadyCheck } from './steady-state.js';
import { clockNow, timedCall } from './timed-call.js';
import { balancedOrder } from './schedule.js';

export interface SteadyWarmupOptions {
  runId: string;
  queries: readonly QueryTemplate[];
  /**
   * Calls are used in turn; past the end, `extend` gives iteration i's call (new row ids that never
   * repeat), or — without it — the calls are cycled (call i mod length).
   */
  targets: readonly PreparedTarget[];
  /** Executions every query × target gets at least (config `warmup`). */
  minIterations: number;
  /** Latencies per window of the steady-state rule (lib/measure/steady-state.ts). */
  window: number;
  /** Largest relative change of the window medians that counts as steady (0.03 = 3%). */
  tolerance: number;
  /** Wall-clock cap of the whole warmup in seconds; 0 = no convergence check: exactly minIterations each. */
  maxSeconds: number;
  /** Persist warmup samples (phase 'warmup'); called between timed calls, never inside one. */
  flush(rows: SampleRow[]): Promise<void>;
  onIteration?(done: number): void;
  signal?: AbortSignal;
}

/** How one query × target warmed up (a raw fact: lib/store/warmup-convergence.ts). */
export interface WarmupOutcome {
  target: string;
  query_id: string;
  /** Executions it got, failed ones included. */
  iterations: number;
  /** Seconds from the start of warmup to the end of its last execution. */
  wall_s: number;
  /** 1: its window medians settled within tolerance; 0: the cap (or a failure) stopped it first. */
  converged: 0 | 1;
  /** The last relative change of its window medians (null: fewer than two windows, or the fixed-count mode). */
  last_change: number | null;
  /** Why it stopped when it did not converge: 'cap' or the first error. Null when converged or fixed-count. */
  stopped_by: string | null;
}

const FLUSH_EVERY = 20_000;
const SKIP = 'skip' as const;

/**
 * Warmup to steady state. Iteration i runs every query on every target, in the same balanced
 * target order as the interleaved timed loop (lib/measure/schedule.ts balancedOrder), each call through
 * timedCall() — the timed loop's contract. A query × target is steady once it has had
 * `minIterations` executions and its last two windows' medians agree within `tolerance`; its
 * outcome is recorded then, but it keeps running until every other one is steady too, so each
 * query is timed after the same mix of queries it met while warming (measured on
 * config/embedded.yaml: a query that stopped early met the timed loop after ~30 s of other
 * queries only and started it slower). Whatever is not steady after `maxSeconds` of warmup is
 * not converged. A failed execution of a query × target still warming stops its check (not
 * converged, with its error; it is not sent again); a lost connection aborts with
 * TargetUnavailableError. The cap is checked between iterations, so the warmup may overrun it by
 * one iteration.
 */
export async function steadyWarmup(o: SteadyWarmupOptions): Promise<{
  outcomes: WarmupOutcome[]; samples: number; failed: number; wallNs: number; firstErrors: Map<string, string>;
  /** Sum over query × target of the median of its last `window` latencies (ns): about one interleaved iteration's time. */
  iterationNs: number;
}> {
  const n = o.targets.length;
  const fixed = o.maxSeconds === 0;
  const need = fixed ? o.minIterations : Math.max(o.minIterations, 2 * o.window);
  const capNs = BigInt(Math.round(o.maxSeconds * 1e9));
  const latencies: number[][][] = o.targets.map(() => o.queries.map(() => []));
  const count: number[][] = o.targets.map(() => o.queries.map(() => 0));
  // null: still warming; SKIP: not supported on this path (lib/pipeline/query-probe.ts) or warmup off.
  const done: (WarmupOutcome | typeof SKIP | null)[][] = o.targets.map((pt) => o.queries.map((_, qi) => (pt.calls[qi]!.length === 0 || need === 0 ? SKIP : null)));
  // Pairs whose check a failure stopped: not sent again.
  const broken = new Set<number>();
  let active = done.flat().filter((d) => d === null).length;
  const firstErrors = new Map<string, string>();
  let rows: SampleRow[] = [];
  let samples = 0;
  let failed = 0;
  const origin = clockNow();
  const secondsSince = (t: bigint) => Number(t - origin) / 1e9;
  const finish = (ti: number, qi: number, converged: 0 | 1, lastChange: number | null, stoppedBy: string | null, at: bigint) => {
    done[ti]![qi] = { target: o.targets[ti]!.target.id, query_id: o.queries[qi]!.id, iterations: count[ti]![qi]!, wall_s: Math.round(secondsSince(at) * 1000) / 1000, converged, last_change: lastChange, stopped_by: stoppedBy };
    active--;
  };

  for (let i = 0; active > 0; i++) {
    const order = balancedOrder(n, i);
    for (let qi = 0; qi < o.queries.length; qi++) {
      for (const ti of order) {
        const state = done[ti]![qi]!;
        if (state === SKIP || broken.has(ti * o.queries.length + qi)) continue;
        const pt = o.targets[ti]!;
        const seq = pt.calls[qi]!;
        const call = i < seq.length ? seq[i]! : (pt.extend?.(qi, i) ?? seq[i % seq.length]!);
        const t = await timedCall(pt.target.session, call.sql, call.params, call.then);
        const q = o.queries[qi]!;
        const ok = t.error === undefined;
        rows.push({
          run_id: o.runId, target: pt.target.id, query_id: q.id, category: q.category, phase: 'warmup', iteration: i,
          start_ns: Number(t.t0 - origin), elapsed_ns: Number(t.elapsedNs), row_count: ok ? t.rowCount : null, ok: ok ? 1 : 0, error: ok ? null : errorText(t.error),
        });
        samples++;
        count[ti]![qi]!++;
        const end = t.t0 + t.elapsedNs;
        if (!ok) {
          failed++;
          const key = `${pt.target.id} ${q.id}`;
          if (!firstErrors.has(key)) firstErrors.set(key, errorText(t.error));
          if (pt.target.module.isConnectionLoss(t.error)) {
            await o.flush(rows);
            throw new TargetUnavailableError([{ target: pt.target.id, reason: `lost during warmup (${q.id}, iteration ${i}): ${errorText(t.error)}` }], 'warmup');
          }
          if (state === null) {
            finish(ti, qi, 0, null, errorText(t.error), end);
            broken.add(ti * o.queries.length + qi);
          }
          continue;
        }
        const lat = latencies[ti]![qi]!;
        lat.push(Number(t.elapsedNs));
        if (state !== null || count[ti]![qi]! < need) continue; // already steady: it only keeps the mix
        if (fixed) {
          finish(ti, qi, 1, null, null, end);
          continue;
        }
        const s = steadyCheck(lat, o.window, o.tolerance);
        if (s.converged) finish(ti, qi, 1, s.change, null, end);
      }
    }
    if (o.signal?.aborted) {
      await o.flush(rows);
      throw o.signal.reason;
    }
    if (rows.length >= FLUSH_EVERY) {
      await o.flush(rows);
      rows = [];
    }
    o.onIteration?.(i + 1);
    if (!fixed && active > 0) {
      const now = clockNow();
      if (now - origin >= capNs) {
        for (let ti = 0; ti < n; ti++) {
          for (let qi = 0; qi < o.queries.length; qi++) {
            if (done[ti]![qi] === null) finish(ti, qi, 0, steadyCheck(latencies[ti]![qi]!, o.window, o.tolerance).change, 'cap', now);
          }
        }
      }
    }
  }
  const wallNs = Number(clockNow() - origin);
  await o.flush(rows);
  let iterationNs = 0;
  for (const perQuery of latencies) for (const lat of perQuery) if (lat.length) iterationNs += quantileSorted(lat.slice(-o.window).sort((a, b) => a - b), 0.5);
  return { outcomes: done.flat().filter((d): d is WarmupOutcome => d !== SKIP && d !== null), samples, failed, wallNs, firstErrors, iterationNs };
}
