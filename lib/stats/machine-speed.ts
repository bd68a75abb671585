import { MIN_PROBES_PER_QUARTER, type MachineSpeed, type ProbeTimings } from '../measure/speed-probe.js';
import { medianOf } from './quantile.js';

/**
 * Reading the speed probe (lib/measure/speed-probe.ts): how fast the machine itself was over a
 * stretch of the measured phase, as the median probe time there, or around one request (lib/stats/noise.ts
 * reads both to tell a path's own drift from the machine's).
 */

/** Probe timings as stored (environment.machine_speed or its `memory`), or null when malformed. */
function probeTimingsFrom(x: unknown): ProbeTimings | null {
  const p = x as Partial<ProbeTimings> | null | undefined;
  if (!p || typeof p !== 'object' || !Array.isArray(p.ms) || !Array.isArray(p.start_ns) || p.ms.length === 0 || p.ms.length !== p.start_ns.length) return null;
  if (![...p.ms, ...p.start_ns].every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  return { probe: String(p.probe ?? ''), gap_ms: Number(p.gap_ms ?? 0), start_ns: p.start_ns, ms: p.ms };
}

/**
 * A run's stored `environment.machine_speed`, checked: null for runs before the probe or a
 * malformed one; its `memory` (runs since the memory probe) kept only when well-formed.
 */
export function machineSpeedFrom(x: unknown): MachineSpeed | null {
  const cpu = probeTimingsFrom(x);
  if (!cpu) return null;
  const memory = probeTimingsFrom((x as { memory?: unknown }).memory);
  return memory ? { ...cpu, memory } : cpu;
}

/**
 * Median probe time (ms) over [fromNs, toNs] of the samples' clock. A stretch holding fewer than
 * MIN_PROBES_PER_QUARTER probes (a short one: a blocked schedule's quarter of one query) takes
 * that many probes nearest its middle instead. Null when the phase has fewer probes than that.
 */
export function probeMedianBetween(m: ProbeTimings, fromNs: number, toNs: number): number | null {
  if (m.ms.length < MIN_PROBES_PER_QUARTER) return null;
  const inside: number[] = [];
  for (let i = 0; i < m.ms.length; i++) if (m.start_ns[i]! >= fromNs && m.start_ns[i]! <= toNs) inside.push(m.ms[i]!);
  if (inside.length >= MIN_PROBES_PER_QUARTER) return medianOf(inside);
  const mid = (fromNs + toNs) / 2;
  const nearest = m.ms.map((ms, i) => ({ ms, d: Math.abs(m.start_ns[i]! - mid) })).sort((a, b) => a.d - b.d).slice(0, MIN_PROBES_PER_QUARTER);
  return medianOf(nearest.map((x) => x.ms));
}

/**
 * The durations (ms) of the probes on either side of `ns` (samples' clock): the last one before it
 * and the first one at or after it — two around a request inside the phase, one at its ends, none
 * without probes. A probe runs between requests once its gap (MIN_PROBE_GAP_MS, or 1/1000 of the
 * phase) has passed. `start_ns` is ascending (probes are recorded in time order).
 *
 * Why both and not the nearest: the machine's speed can flicker faster than the probe's gap, so a
 * request next to one fast probe may have run slow. A request counts as having run at a speed only
 * when the machine was at that speed on both sides of it (lib/stats/noise.ts, sameSpeedDrift).
 */
export function probesAround(m: ProbeTimings, ns: number): number[] {
  const n = m.start_ns.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.start_ns[mid]! < ns) lo = mid + 1;
    else hi = mid;
  }
  // lo: the first probe at or after ns (n when none is).
  return m.ms.slice(Math.max(0, lo - 1), Math.min(n, lo + 1));
}

/** Median probe time (ms) in each quarter of the phase's time (first to last probe); null where a quarter has too few probes. */
export function probeQuarters(m: ProbeTimings): (number | null)[] {
  if (m.start_ns.length < 2) return [null, null, null, null];
  const t0 = m.start_ns[0]!;
  const span = m.start_ns.at(-1)! - t0;
  const buckets: number[][] = [[], [], [], []];
  for (let i = 0; i < m.ms.length; i++) buckets[Math.min(3, Math.floor((4 * (m.start_ns[i]! - t0)) / (span || 1)))]!.push(m.ms[i]!);
  return buckets.map((b) => (b.length >= MIN_PROBES_PER_QUARTER ? medianOf(b) : null));
}

/** "speed probe 0.412 | 0.561 | 0.559 | 0.409 ms by quarter (median; …)" for the machine line. */
export function machineSpeedText(m: MachineSpeed): string {
  const q = (p: ProbeTimings) => probeQuarters(p).map((x) => (x === null ? 'n/a' : x.toFixed(3))).join(' | ');
  const mem = m.memory ? `; memory probe ${q(m.memory)} ms (median of ${m.memory.ms.length} timings of a fixed memory workload: ${m.memory.probe})` : '';
  return `speed probe ${q(m)} ms by quarter of the measured phase (median of ${m.ms.length} timings of a fixed CPU workload between requests: ${m.probe})${mem}`;
}

/** The slowest and fastest quarter medians of a probe, or null with fewer than two quarters observed. */
function quarterSpread(p: ProbeTimings): { lo: number; hi: number } | null {
  const q = probeQuarters(p).filter((x): x is number => x !== null);
  return q.length < 2 ? null : { lo: Math.min(...q), hi: Math.max(...q) };
}

function interleavedText(paired?: { held: number; moved: number; unclear: number }): string {
  const checked = paired ? paired.held + paired.moved + paired.unclear : 0;
  if (!paired || checked === 0) return 'Comparisons between paths still hold (their requests were interleaved, so both saw the change); absolute latencies do not. ';
  if (paired.moved === 0 && paired.unclear > 0) {
    return `Comparisons between paths were interleaved, so both saw the change; of the ${checked} paired comparison${checked === 1 ? '' : 's'} of the drift warnings, ${paired.held} held and ${paired.unclear} changed by more than 10% but too spread to tell (see the noise warnings); absolute latencies do not hold. `;
  }
  if (paired.moved === 0) {
    return `Comparisons between paths still hold (their requests were interleaved, so both saw the change; measured: all ${checked} paired comparison${checked === 1 ? '' : 's'} of the drift warnings held); absolute latencies do not. `;
  }
  return `Comparisons between paths were interleaved, so both saw the change, yet ${paired.moved} of the ${checked} paired comparison${checked === 1 ? '' : 's'} of the drift warnings moved (see the noise warnings and the answer); absolute latencies do not hold either. `;
}

/** The probe's slowest quarter ÷ its fastest, at or above which the report opens with UNSTEADY MACHINE. */
export const UNSTEADY_MACHINE_RATIO = 1.1;

/**
 * The unsteady-machine warning, or null: the CPU probe's quarters differ by UNSTEADY_MACHINE_RATIO or more.
 * The memory probe does not raise it: its ~13 ms stream catches interruptions that the queries do
 * not show (measured on a quiet run of config/embedded.yaml: its quarters 1.16× apart, 12.3–22.0 ms
 * single timings, the CPU probe's quarters 1.05×, and no drift flag at all), so it only informs
 * drift flags (lib/stats/noise.ts, memoryProbeVerdict) and the machine line.
 * `paired`: how many of the paired comparisons that drift flags checked (lib/stats/noise.ts) held,
 * moved, or were too spread to tell, counted once per pair of paths and query; with it, the interleaved schedule's claim
 * that comparisons hold is stated as measured, or withdrawn where it was not.
 */
export function unsteadyMachineWarning(m: MachineSpeed, schedule: 'interleaved' | 'blocked', paired?: { held: number; moved: number; unclear: number }): string | null {
  const s = quarterSpread(m);
  if (!s || s.hi / s.lo < UNSTEADY_MACHINE_RATIO) return null;
  return `UNSTEADY MACHINE: a fixed CPU workload timed between requests took ${s.hi.toFixed(3)} ms (median) in the slowest quarter of the measured phase ` +
    `and ${s.lo.toFixed(3)} ms in the fastest (${(s.hi / s.lo).toFixed(2)}×): the machine's own speed changed while measuring, ` +
    'and every latency of that stretch changed with it. ' +
    (schedule === 'interleaved'
      ? interleavedText(paired)
      : 'With the blocked schedule, paths measured in different stretches saw different machines: comparisons between them do not hold. ') +
    'Drift that the probes explain is listed as "machine drift". Re-run when the machine is steady.';
}
