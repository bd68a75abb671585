import type { MachineLoad } from '../measure/machine-load.js';
import type { MachineSpeed } from '../measure/speed-probe.js';
import { machineSpeedFrom, unsteadyMachineWarning } from '../stats/machine-speed.js';
import { pairedVerdictCounts } from './paired-comparisons.js';
import type { ReportData } from './report-data.js';

/** The run's machine load by quarter (lib/measure/machine-load.ts); null for runs that did not record it. */
export function machineLoadOf(d: ReportData): MachineLoad | null {
  const m = (d.environment as { machine_load?: MachineLoad }).machine_load;
  return m && Array.isArray(m.quarters) && m.quarters.length > 0 ? m : null;
}

/** The run's speed-probe timings (lib/measure/speed-probe.ts); null for runs before the probe. */
export function machineSpeedOf(d: ReportData): MachineSpeed | null {
  return machineSpeedFrom((d.environment as { machine_speed?: unknown }).machine_speed);
}

/** The run's UNSTEADY MACHINE warning (lib/stats/machine-speed.ts), worded for its schedule; null without one or without a probe. */
export function unsteadyMachineWarningOf(d: ReportData): string | null {
  const m = machineSpeedOf(d);
  return m ? unsteadyMachineWarning(m, d.config.schedule ?? 'interleaved', pairedVerdictCounts(d)) : null;
}

