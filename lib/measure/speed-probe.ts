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

/** One probe's timings of one phase, on the samples' clock (ns from the phase's origin). */
export interface ProbeTimings {
  probe: string;
  gap_ms: number;
  /** Start of each probe, ns from the origin of the phase's samples (same clock as samples.start_ns). */
  start_ns: number[];
  /** Its duration, ms (µs precision). */
  ms: number[];
}

/** The CPU probe's timings and, for runs since it exists, the memory probe's (`memory`). */
export interface MachineSpeed extends ProbeTimings {
  memory?: ProbeTimings;
}

/**
 * The memory probe: one read per 64-byte line of a 128 MiB buffer (filled, so every page is
 * backed), summed — a stream through the memory system, where the CPU probe stays in the caches.
 * Why: on a quiet fresh run the ~60–130 ms exact scans (WebAssembly compute over the whole 40 MiB
 * table) moved +21% to +24% on both paths while the CPU probe stayed flat; in a standalone loop of
 * an exact scan and both probes (341 s, quiet VM) the scan moved −8.1% between the halves, the
 * memory probe −4.4% and the CPU probe +4.2% (docs/methodology.md, "A machine whose speed changes").
 * ~13 ms a probe here; it evicts the caches, so it runs rarely (at most one per
 * MIN_MEMORY_PROBE_GAP_MS, ~TARGET_MEMORY_PROBES a phase), never inside a timed call, and the
 * requests after it are re-warmed untimed first (lib/measure/run-phase.ts, rewarmNext).
 */
const MEMORY_FLOATS = 16 << 20; // 16 Mi float64 = 128 MiB
const MEMORY_STRIDE = 8; // 8 float64 = one 64-byte cache line
export const MEMORY_PROBE_DESCRIPTION = 'one read per 64-byte line of a 128 MiB buffer';
export const MIN_MEMORY_PROBE_GAP_MS = 2000;
export const TARGET_MEMORY_PROBES = 32;

let memory: Float64Array | null = null;

function memoryWork(): void {
  const m = memory!;
  let s = 0;
  for (let i = 0; i < MEMORY_FLOATS; i += MEMORY_STRIDE) s += m[i]!;
  sink += s;
}

/** Timings of one probe kind: `due()` when its gap has passed since the last. */
function timedProbe(work: () => void, gapNs: bigint) {
  const starts: bigint[] = [];
  const ms: number[] = [];
  let last = -1n;
  return {
    due: (now: bigint) => last < 0n || now - last >= gapNs,
    run() {
      const t0 = process.hrtime.bigint();
      work();
      const t1 = process.hrtime.bigint();
      starts.push(t0);
      ms.push(Math.round(Number(t1 - t0) / 1e3) / 1e3);
      last = t0;
    },
    timings: (probe: string, gapMs: number, originNs: bigint): ProbeTimings => ({ probe, gap_ms: gapMs, start_ns: starts.map((t) => Number(t - originNs)), ms }),
  };
}

/**
 * Watch a phase: at() between groups of requests (cheap unless a probe is due), stop(originNs)
 * after the last, with the phase's origin, to place the probes on the samples' clock.
 * `expectedSeconds`: the phase's predicted length (0 when unknown), to space ~TARGET_PROBES CPU
 * probes and ~TARGET_MEMORY_PROBES memory probes. The memory probe's 128 MiB are allocated and
 * touched here (before the phase) and released at stop().
 */
export function watchMachineSpeed(expectedSeconds: number): { at(): boolean; stop(originNs: bigint): MachineSpeed } {
  const gapMs = Math.max(MIN_PROBE_GAP_MS, (expectedSeconds * 1000) / TARGET_PROBES);
  const memGapMs = Math.max(MIN_MEMORY_PROBE_GAP_MS, (expectedSeconds * 1000) / TARGET_MEMORY_PROBES);
  if (!memory) {
    memory = new Float64Array(MEMORY_FLOATS);
    for (let i = 0; i < MEMORY_FLOATS; i += MEMORY_STRIDE) memory[i] = i & 1023;
  }
  // Untimed first passes: each probe is compiled and optimised before its first reading.
  for (let i = 0; i < 20; i++) probeWork();
  for (let i = 0; i < 2; i++) memoryWork();
  const cpu = timedProbe(probeWork, BigInt(Math.round(gapMs * 1e6)));
  const mem = timedProbe(memoryWork, BigInt(Math.round(memGapMs * 1e6)));
  // The first CPU probe now; the first memory probe at the first at(), inside the phase, where the
  // requests after it are re-warmed (the caller re-warms the first iteration for the buffer's filling).
  cpu.run();
  return {
    /** Runs whichever probe is due; true when the memory probe ran (the caches were evicted: runPhase re-warms). */
    at() {
      const now = process.hrtime.bigint();
      if (cpu.due(now)) cpu.run();
      if (!mem.due(now)) return false;
      mem.run();
      return true;
    },
    stop(originNs) {
      cpu.run();
      mem.run();
      memory = null;
      return { ...cpu.timings(PROBE_DESCRIPTION, gapMs, originNs), memory: mem.timings(MEMORY_PROBE_DESCRIPTION, memGapMs, originNs) };
    },
  };
}

/** Kept reachable so that the probe's result is observable (and its work cannot be optimised away). */
export const probeSink = (): number => sink;
