import { clientBoundReasons } from '../measure/client-load.js';
import type { LevelClientLoad } from '../store/level-client-load.js';

/**
 * The client-bottleneck guard per load level (issue 6): the same thresholds as the run's
 * clientBottleneckWarning (≥ 0.8 core, or event-loop delay p99 ≥ 5 ms), applied to each
 * concurrency-sweep level and each open-loop rate level, where one Node process driving many
 * clients is most likely to be the limit. In the open loop also: an event-loop delay p99 above the
 * level's late threshold means the driver itself could not start requests on time, so "late"
 * there is the client's doing, not the server's.
 *
 * Only for targets whose server runs in another process: an in-process engine's work (PGlite, the
 * pglite-socket gateway) is client CPU and event-loop delay by design. Nothing for levels whose
 * load was not recorded (runs from before per-level recording).
 */
export type LoadLevelKind = 'sweep' | 'open-loop';

export function levelName(kind: LoadLevelKind, level: number): string {
  return kind === 'sweep' ? `× ${level} client${level === 1 ? '' : 's'}` : `at ${Number.isInteger(level) ? level : level.toFixed(2)}/s`;
}

export function levelClientWarnings(kind: LoadLevelKind, l: LevelClientLoad): string[] {
  if (!l.load || l.inProcess !== false) return [];
  const where = `${l.target} ${levelName(kind, l.level)}`;
  const out: string[] = [];
  const reasons = clientBoundReasons(l.load);
  if (reasons.length) {
    const what = kind === 'sweep' ? "this level's QPS and latencies" : "this level's latencies and achieved rate";
    out.push(`CLIENT-BOUND? ${where}: ${reasons.join(' and ')}; ${what} include client time — the database may not have been the bottleneck.`);
  }
  if (kind === 'open-loop' && l.lateThresholdMs !== undefined && l.load.event_loop_samples !== 0 && l.load.event_loop_delay_p99_ms > l.lateThresholdMs) {
    out.push(
      `CLIENT-LATE: ${where}: the client's event loop was delayed ${l.load.event_loop_delay_p99_ms} ms at p99, above the late threshold (${l.lateThresholdMs} ms): ` +
        'requests can start late because of the client alone, so late starts at this level are not all the server\'s doing (queued ones waited for a session).',
    );
  }
  return out;
}

/** Every warning of a run's levels, in the order given. */
export function levelsClientWarnings(kind: LoadLevelKind, levels: readonly LevelClientLoad[]): string[] {
  return levels.flatMap((l) => levelClientWarnings(kind, l));
}
