import type { MachineLoad } from '../measure/machine-load.js';
import type { ReportData } from './report-data.js';

/** The run's machine load by quarter (lib/measure/machine-load.ts); null for runs that did not record it. */
export function machineLoadOf(d: ReportData): MachineLoad | null {
  const m = (d.environment as { machine_load?: MachineLoad }).machine_load;
  return m && Array.isArray(m.quarters) && m.quarters.length > 0 ? m : null;
}
