import type { GcPause } from '../measure/gc-watch.js';
import { gcTail, type GcPauseRow, type GcSummary } from '../stats/gc-tail.js';
import type { SqliteDb } from './sqlite.js';

const C = ['run_id', 'phase', 'start_ns', 'duration_ns', 'kind'] as const;

/**
 * Store the pauses that overlapped a phase (origin = the phase's clock origin, wallNs its length).
 * Called after the phase, never inside it.
 */
export async function writeGcPauses(db: SqliteDb, runId: string, phase: string, pauses: readonly GcPause[], originNs: bigint, wallNs: number): Promise<number> {
  const rows = pauses
    .map((p) => ({ start: Number(p.startHrNs - originNs), p }))
    .filter(({ start, p }) => start + p.durationNs > 0 && start < wallNs)
    .map(({ start, p }) => [runId, phase, start, p.durationNs, p.kind]);
  await db.insertMany('gc_pauses', C, rows);
  return rows.length;
}

/**
 * The measured phase's GC summary (lib/stats/gc-tail.ts); null for runs from before pauses were
 * recorded. A recorded run with no pause gives a summary with 0 pauses. `environment` is the run's
 * parsed environment_json, as the caller (render) already holds it: measure marks it
 * `gc_recorded: true`, which tells a run without pauses from one older than the recording.
 */
export async function readGcSummary(db: SqliteDb, runId: string, environment: Readonly<Record<string, unknown>>): Promise<GcSummary | null> {
  const recorded = await db.get<{ n: number }>("SELECT count(*) AS n FROM gc_pauses WHERE run_id = ? AND phase = 'measure'", [runId]);
  if (environment.gc_recorded !== true && (recorded?.n ?? 0) === 0) return null;
  const pauses = await db.all<GcPauseRow>("SELECT start_ns, duration_ns, kind FROM gc_pauses WHERE run_id = ? AND phase = 'measure' ORDER BY start_ns", [runId]);
  const samples = await db.all<{ target: string; query_id: string; start_ns: number; elapsed_ns: number }>(
    "SELECT target, query_id, start_ns, elapsed_ns FROM samples WHERE run_id = ? AND phase = 'measure' AND ok = 1",
    [runId],
  );
  return gcTail(samples, pauses);
}
