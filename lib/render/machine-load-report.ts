import type { MachineLoad } from '../measure/machine-load.js';
import type { MachineSpeed } from '../measure/speed-probe.js';
import { unsteadyMachineWarning } from '../stats/machine-speed.js';
import { pairedComparisonsIn, type PairedVerdict } from '../stats/noise.js';
import type { ReportData } from './report-data.js';

/** The run's machine load by quarter (lib/measure/machine-load.ts); null for runs that did not record it. */
export function machineLoadOf(d: ReportData): MachineLoad | null {
  const m = (d.environment as { machine_load?: MachineLoad }).machine_load;
  return m && Array.isArray(m.quarters) && m.quarters.length > 0 ? m : null;
}

/** The run's speed-probe timings (lib/measure/speed-probe.ts); null for runs before the probe. */
export function machineSpeedOf(d: ReportData): MachineSpeed | null {
  const m = (d.environment as { machine_speed?: MachineSpeed }).machine_speed;
  return m && Array.isArray(m.ms) && Array.isArray(m.start_ns) && m.ms.length > 0 ? m : null;
}

/** The run's UNSTEADY MACHINE warning (lib/stats/machine-speed.ts), worded for its schedule; null without one or without a probe. */
export function unsteadyMachineWarningOf(d: ReportData): string | null {
  const m = machineSpeedOf(d);
  return m ? unsteadyMachineWarning(m, d.config.schedule ?? 'interleaved', pairedComparisonsOf(d)) : null;
}

/**
 * The paired comparisons the run's drift flags checked, once per pair of paths and query (both
 * paths' flags report the same pair), by the less reassuring verdict of the two: moved, unclear, held.
 */
export function pairedComparisonsOf(d: ReportData): { held: number; moved: number; unclear: number } {
  const RANK: Record<PairedVerdict, number> = { held: 0, unclear: 1, moved: 2 };
  const worst = new Map<string, PairedVerdict>();
  for (const n of d.noise) {
    if (n.kind === 'wide interval') continue;
    for (const c of pairedComparisonsIn(n.detail)) {
      const key = `${[n.target, c.other].sort().join('\u0000')}\u0000${n.query_id}`;
      const was = worst.get(key);
      if (was === undefined || RANK[c.verdict] > RANK[was]) worst.set(key, c.verdict);
    }
  }
  const all = [...worst.values()];
  return { held: all.filter((v) => v === 'held').length, moved: all.filter((v) => v === 'moved').length, unclear: all.filter((v) => v === 'unclear').length };
}
