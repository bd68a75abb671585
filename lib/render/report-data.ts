import type { ResolvedConfig } from '../config/load.js';
import type { AggregateRow, SpectrumRow } from '../store/aggregates.js';
import type { FingerprintRow } from '../store/datasets.js';
import type { RunRow } from '../store/runs.js';

/** Everything render needs, read from the store only (no database, no clock). */
export interface ReportData {
  run: RunRow;
  config: ResolvedConfig;
  aggregates: AggregateRow[];
  spectrum: SpectrumRow[];
  fingerprints: FingerprintRow[];
  environment: Record<string, unknown>;
  /** Session warmup requests of this run (excluded from every metric). */
  warmupRequests: number;
}

export const BELOW_SCALE_NOTICE =
  'NOTICE: below production scale — dataset_size < 100,000 rows (scale: small). Use these numbers for demos and tests, not for decisions.';

/** Targets in the order the run listed them. */
export function targetOrder(d: ReportData): string[] {
  return JSON.parse(d.run.targets_json) as string[];
}
