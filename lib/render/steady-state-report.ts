import { notConvergedText } from '../pipeline/steady-warmup.js';
import type { WarmupConvergenceRow } from '../store/warmup-convergence.js';
import type { ReportData } from './report-data.js';

/**
 * How the run reached steady state and in what order it was timed (docs/methodology.md): the
 * schedule and the session warmup's convergence per query × target. Runs from before either was
 * recorded (no `schedule` in their config, no warmup_convergence rows) show nothing, so their
 * reports stay byte-identical.
 */
const SCHEDULE_TEXT = {
  interleaved: 'interleaved — every iteration runs all queries, target order balanced (each leads, and follows each other, equally often)',
  blocked: 'blocked — each query\'s iterations back to back on one target, targets in ABBA blocks',
} as const;

export function scheduleText(d: ReportData): string | null {
  const s = d.config.schedule;
  return s === undefined ? null : SCHEDULE_TEXT[s];
}

/** Rows of the run's session warmup that did not reach steady state, in target order. */
export function notConverged(d: ReportData): WarmupConvergenceRow[] {
  return (d.warmup ?? []).filter((w) => w.converged === 0);
}

function warmupSummary(d: ReportData): string | null {
  const rows = d.warmup ?? [];
  if (rows.length === 0) return null;
  const c = d.config;
  const slowest = Math.max(...rows.map((w) => w.wall_s));
  if (c.warmup_max_s === 0) return `fixed ${c.warmup} executions per query and target (warmup_max_s 0), ${slowest.toFixed(1)} s`;
  const bad = notConverged(d).length;
  return `to steady state (medians of two successive windows of ${c.warmup_window} within ${((c.warmup_tolerance ?? 0) * 100).toFixed(1)}%, at least ${c.warmup} executions, cap ${c.warmup_max_s} s): ` +
    `${rows.length - bad} of ${rows.length} query × target pairs converged, the last after ${slowest.toFixed(1)} s`;
}

/** One line per pair that never converged, worded for humans. */
export function notConvergedLines(d: ReportData): string[] {
  return notConverged(d).map((w) => `${w.target} / ${w.query_id}: NOT STEADY — warmup ${notConvergedText(w, d.config.warmup_max_s)}; its first measured requests may still be warming up (see drift).`);
}

/** table.txt header lines ([] for old runs). */
export function steadyStateHeaderLines(d: ReportData): string[] {
  const out: string[] = [];
  const s = scheduleText(d);
  if (s) out.push(`schedule:   ${s}`);
  const w = warmupSummary(d);
  if (w) out.push(`warmup:     ${w}`);
  const bad = notConvergedLines(d);
  if (bad.length) out.push('', ...bad.map((l) => `!!! ${l}`));
  return out;
}

/** results.json keys ({} for old runs). */
export function steadyStateJson(d: ReportData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (d.config.schedule !== undefined) out.schedule = d.config.schedule;
  const rows = d.warmup ?? [];
  if (rows.length) {
    out.warmup_convergence = {
      summary: warmupSummary(d),
      tolerance: d.config.warmup_tolerance, window: d.config.warmup_window, min_iterations: d.config.warmup, cap_s: d.config.warmup_max_s,
      not_converged: notConvergedLines(d),
      rows: rows.map((w) => ({ target: w.target, query: w.query_id, iterations: w.iterations, seconds: w.wall_s, converged: w.converged === 1, last_change: w.last_change === null ? null : Math.round(w.last_change * 10000) / 10000, stopped_by: w.stopped_by })),
    };
  }
  return out;
}
