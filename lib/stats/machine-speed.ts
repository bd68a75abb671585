import { MIN_PROBES_PER_QUARTER, type MachineSpeed } from '../measure/speed-probe.js';
import { medianOf } from './quantile.js';

/**
 * Reading the speed probe (lib/measure/speed-probe.ts): how fast the machine itself was over a
 * stretch of the measured phase, as the median probe time there. A drift the probe's own change
 * explains (same direction, at least as large) is the machine's (lib/stats/noise.ts, machineExplains).
 */

/**
 * Median probe time (ms) over [fromNs, toNs] of the samples' clock. A stretch holding fewer than
 * MIN_PROBES_PER_QUARTER probes (a short one: a blocked schedule's quarter of one query) takes
 * that many probes nearest its middle instead. Null when the phase has fewer probes than that.
 */
export function probeMedianBetween(m: MachineSpeed, fromNs: number, toNs: number): number | null {
  if (m.ms.length < MIN_PROBES_PER_QUARTER) return null;
  const inside: number[] = [];
  for (let i = 0; i < m.ms.length; i++) if (m.start_ns[i]! >= fromNs && m.start_ns[i]! <= toNs) inside.push(m.ms[i]!);
  if (inside.length >= MIN_PROBES_PER_QUARTER) return medianOf(inside);
  const mid = (fromNs + toNs) / 2;
  const nearest = m.ms.map((ms, i) => ({ ms, d: Math.abs(m.start_ns[i]! - mid) })).sort((a, b) => a.d - b.d).slice(0, MIN_PROBES_PER_QUARTER);
  return medianOf(nearest.map((x) => x.ms));
}

/**
 * The duration (ms) of the probe nearest in time to `ns` (samples' clock): the machine's speed when
 * a request ran. A probe runs between requests once its gap (MIN_PROBE_GAP_MS, or 1/1000 of the
 * phase) has passed, so the nearest is about one gap plus one request away at most. Null without
 * probes. `start_ns` is ascending (probes are recorded in time order).
 */
export function probeNearest(m: MachineSpeed, ns: number): number | null {
  const n = m.start_ns.length;
  if (n === 0) return null;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.start_ns[mid]! < ns) lo = mid + 1;
    else hi = mid;
  }
  // lo: the first probe at or after ns (or the last probe); the one before may be nearer.
  if (lo > 0 && ns - m.start_ns[lo - 1]! <= Math.abs(m.start_ns[lo]! - ns)) return m.ms[lo - 1]!;
  return m.ms[lo]!;
}

/** Median probe time (ms) in each quarter of the phase's time (first to last probe); null where a quarter has too few probes. */
export function probeQuarters(m: MachineSpeed): (number | null)[] {
  if (m.start_ns.length < 2) return [null, null, null, null];
  const t0 = m.start_ns[0]!;
  const span = m.start_ns.at(-1)! - t0;
  const buckets: number[][] = [[], [], [], []];
  for (let i = 0; i < m.ms.length; i++) buckets[Math.min(3, Math.floor((4 * (m.start_ns[i]! - t0)) / (span || 1)))]!.push(m.ms[i]!);
  return buckets.map((b) => (b.length >= MIN_PROBES_PER_QUARTER ? medianOf(b) : null));
}

/** "speed probe 0.412 | 0.561 | 0.559 | 0.409 ms by quarter (median; …)" for the machine line. */
export function machineSpeedText(m: MachineSpeed): string {
  const q = probeQuarters(m).map((x) => (x === null ? 'n/a' : x.toFixed(3))).join(' | ');
  return `speed probe ${q} ms by quarter of the measured phase (median of ${m.ms.length} timings of a fixed CPU workload between requests: ${m.probe})`;
}

/** The probe's slowest quarter ÷ its fastest, at or above which the report opens with UNSTEADY MACHINE. */
export const UNSTEADY_MACHINE_RATIO = 1.1;

/** The unsteady-machine warning, or null: the probe's quarters differ by UNSTEADY_MACHINE_RATIO or more. */
export function unsteadyMachineWarning(m: MachineSpeed, schedule: 'interleaved' | 'blocked'): string | null {
  const q = probeQuarters(m).filter((x): x is number => x !== null);
  if (q.length < 2) return null;
  const [lo, hi] = [Math.min(...q), Math.max(...q)];
  if (hi / lo < UNSTEADY_MACHINE_RATIO) return null;
  return `UNSTEADY MACHINE: a fixed CPU workload timed between requests took ${hi.toFixed(3)} ms (median) in the slowest quarter of the measured phase ` +
    `and ${lo.toFixed(3)} ms in the fastest (${(hi / lo).toFixed(2)}×): the machine's own speed changed while measuring, ` +
    'and every latency of that stretch changed with it. ' +
    (schedule === 'interleaved'
      ? 'Comparisons between paths still hold (their requests were interleaved, so both saw the change); absolute latencies do not. '
      : 'With the blocked schedule, paths measured in different stretches saw different machines: comparisons between them do not hold. ') +
    'Drift that the probe explains is listed as "machine drift". Re-run when the machine is steady.';
}
