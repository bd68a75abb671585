import { pairedComparisonsIn, type PairedVerdict } from '../stats/noise.js';
import type { ReportData } from './report-data.js';

/** One paired comparison that a run's drift flags checked (lib/stats/noise.ts). */
export interface PairedComparison {
  /** The two paths, sorted. */
  paths: [string, string];
  query: string;
  verdict: PairedVerdict;
}

const RANK: Record<PairedVerdict, number> = { held: 0, unclear: 1, moved: 2 };

/**
 * The paired comparisons read back from the run's drift and machine-drift flags, once per pair of
 * paths and query (both paths' flags report the same pair), with the less reassuring verdict of
 * the two: moved, then unclear, then held. The one reader of those details for the report (the
 * answer, the UNSTEADY MACHINE line).
 */
export function pairedComparisonsOf(d: ReportData): PairedComparison[] {
  const byKey = new Map<string, PairedComparison>();
  for (const n of d.noise) {
    if (n.kind === 'wide interval') continue;
    for (const c of pairedComparisonsIn(n.detail)) {
      const paths = [n.target, c.other].sort() as [string, string];
      const key = `${paths.join('\u0000')}\u0000${n.query_id}`;
      const was = byKey.get(key);
      if (!was || RANK[c.verdict] > RANK[was.verdict]) byKey.set(key, { paths, query: n.query_id, verdict: c.verdict });
    }
  }
  return [...byKey.values()];
}

/** How many of them held, moved, or were too spread to tell. */
export function pairedVerdictCounts(d: ReportData): Record<PairedVerdict, number> {
  const counts: Record<PairedVerdict, number> = { held: 0, moved: 0, unclear: 0 };
  for (const c of pairedComparisonsOf(d)) counts[c.verdict]++;
  return counts;
}
