/**
 * The machine's own speed while a phase is timed: a fixed piece of CPU work (the probe), timed
 * between groups of requests — never inside a timed call — at most every `gap_ms`. If the probe
 * takes 25% less time in the last quarter of the phase than in the first, the machine got faster
 * and every query's latencies follow it: that is not the path warming up.
 *
 * Why a probe and not /proc/stat: measured on the development VM (config/embedded.yaml, quiet, other
 * processes 0.01 cores and steal 0.00 in every quarter), every query of both targets — the
 * ~45 ms exact scans, pure WASM compute, included — ran 1.30–1.67× slower through deciles 2–8 of
 * the measured phase than in deciles 1, 9 and 10. Nothing inside the VM saw it; a clock on a fixed
 * workload does (docs/methodology.md, "A machine whose speed changes").
 *
 * The work: a dot product of a 256 KiB float32 array with itself reversed, 4 passes (0.37–0.53 ms
 * median here, loaded): arithmetic and cache traffic, no allocation, no system call. Small enough
 * to leave most of the caches to the queries: at most one probe per MIN_PROBE_GAP_MS, so the
 * phase's wall time grows by ≤ ~2.5% and no request is ever timed across a probe.
 */
const PROBE_FLOATS = 1 << 16;
const PROBE_PASSES = 4;
export const PROBE_DESCRIPTION = `dot product of ${PROBE_FLOATS.toLocaleString('en-US')} float32 with itself reversed, ${PROBE_PASSES} passes`;

/** Probes closer together than this are skipped, so a phase of fast requests is not slowed by them. */
export const MIN_PROBE_GAP_MS = 20;
/** At most about this many probes per phase: the gap grows with the phase's expected length. */
export const TARGET_PROBES = 1000;

/** Quarters with fewer probes than this give no median: the speed change is "not observed". */
export const MIN_PROBES_PER_QUARTER = 3;

let data: Float32Array | null = null;
/** The result goes here, so the engine cannot drop the work as unused. */
let sink = 0;

function probeWork(): void {
  data ??= Float32Array.from({ length: PROBE_FLOATS }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
  let s = 0;
  const n = data.length;
  for (let p = 0; p < PROBE_PASSES; p++) for (let i = 0; i < n; i++) s += data[i]! * data[n - 1 - i]!;
  sink += s;
}

/** The probe's timings of one phase, on the samples' clock (ns from the phase's origin). */
export interface MachineSpeed {
  probe: string;
  gap_ms: number;
  /** Start of each probe, ns from the origin of the phase's samples (same clock as samples.start_ns). */
  start_ns: number[];
  /** Its duration, ms (µs precision). */
  ms: number[];
}

/**
 * Watch a phase: at() between groups of requests (cheap unless a probe is due), stop(originNs)
 * after the last, with the phase's origin, to place the probes on the samples' clock.
 * `expectedSeconds`: the phase's predicted length (0 when unknown), to space ~TARGET_PROBES probes.
 */
export function watchMachineSpeed(expectedSeconds: number): { at(): void; stop(originNs: bigint): MachineSpeed } {
  const gapMs = Math.max(MIN_PROBE_GAP_MS, (expectedSeconds * 1000) / TARGET_PROBES);
  const gapNs = BigInt(Math.round(gapMs * 1e6));
  // Untimed first passes: the probe is compiled and optimised before its first reading.
  for (let i = 0; i < 20; i++) probeWork();
  const starts: bigint[] = [];
  const ms: number[] = [];
  let last = -1n;
  const probe = () => {
    const t0 = process.hrtime.bigint();
    probeWork();
    const t1 = process.hrtime.bigint();
    starts.push(t0);
    ms.push(Math.round(Number(t1 - t0) / 1e3) / 1e3);
    last = t0;
  };
  probe();
  return {
    at() {
      if (process.hrtime.bigint() - last >= gapNs) probe();
    },
    stop(originNs) {
      probe();
      return { probe: PROBE_DESCRIPTION, gap_ms: gapMs, start_ns: starts.map((t) => Number(t - originNs)), ms };
    },
  };
}

/** Kept reachable so that the probe's result is observable (and its work cannot be optimised away). */
export const probeSink = (): number => sink;
