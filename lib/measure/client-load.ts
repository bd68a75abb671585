import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/**
 * Client-bottleneck guard: how busy the measuring process itself was during a phase. Node's
 * event-loop delay histogram (a libuv timer sampled every 20 ms, no JavaScript runs for it) and
 * the process CPU time over the wall time. A client pinned near one core, or an event loop that
 * stalls, means latencies include client time — the database may not have been the bottleneck.
 *
 * The histogram records the whole interval between two runs of its timer — the resolution plus
 * the delay (measured on Node 20.20: idle 1 s, p50 20.37 ms, p99 20.61 ms at resolution 20; a
 * 50 ms busy loop gives a 69.5 ms maximum) — so the resolution is subtracted, clamped at 0, as
 * Elastic's APM agent does (see nodejs/node#34661, open-telemetry/opentelemetry-js-contrib#2794).
 * A stall is recorded when the timer next runs, so the caller stops the watch after the loop has
 * turned (after awaiting the phase's last completion). A phase shorter than the resolution may
 * record no sample: its delays are then 0 with event_loop_samples 0 — "not observed", not "no delay".
 */
export const EVENT_LOOP_RESOLUTION_MS = 20;

export interface ClientLoad {
  /** Process CPU (user + system) ÷ wall time: 1.0 = one core busy all the time. */
  cpu_cores: number;
  event_loop_delay_p50_ms: number;
  event_loop_delay_p99_ms: number;
  event_loop_delay_max_ms: number;
  /** Timer runs the histogram recorded; 0 = the delay was not observed. Absent in loads recorded before it was counted. */
  event_loop_samples?: number;
  /**
   * Sampling interval of the histogram (ms), chosen to fit the phase (watchClientLoad). Present
   * only in loads whose guard applies the rules of loopDelayObserved and delayHitRequests;
   * loads recorded before keep the older rule, so their reports do not change.
   */
  event_loop_resolution_ms?: number;
  wall_s: number;
}

/**
 * Timer periods a phase must span for its p99 to mean anything: with fewer, p99 is the maximum
 * (measured: a 2–3.5 s phase at 20 ms gives ~110 samples, and one stall of the machine became a
 * CLIENT-BOUND? warning). 500 periods leave 5 above the p99.
 */
export const MIN_LOOP_PERIODS = 500;

/** The sampling interval (ms, 1..20) that gives a phase of about `expectedSeconds` MIN_LOOP_PERIODS periods, or 1 ms when it is shorter. */
export function loopResolutionFor(expectedSeconds: number | undefined): number {
  if (expectedSeconds === undefined || !(expectedSeconds > 0)) return EVENT_LOOP_RESOLUTION_MS;
  return Math.max(1, Math.min(EVENT_LOOP_RESOLUTION_MS, Math.floor((expectedSeconds * 1000) / MIN_LOOP_PERIODS)));
}

/**
 * Watch a phase expected to last about `expectedSeconds` (the histogram's interval is chosen to
 * fit it: loopResolutionFor); without it, 20 ms and the older rules (no resolution recorded).
 */
export function watchClientLoad(expectedSeconds?: number): { stop(): ClientLoad } {
  const resolution = loopResolutionFor(expectedSeconds);
  const h = monitorEventLoopDelay({ resolution });
  h.enable();
  const w = watching(h, resolution);
  const fitted = expectedSeconds !== undefined;
  return { stop: () => (fitted ? { ...w.stop(), event_loop_resolution_ms: resolution } : w.stop()) };
}

/**
 * As watchClientLoad, for a phase bracketed by awaits on both sides (a load level):
 * - armed: it first waits one sampling interval (before the phase's first request) so that the
 *   histogram's first timer run, which only sets its baseline and records nothing, is behind it —
 *   else a stall at the very start is missed (measured on Node 20.20: a 300 ms busy loop right
 *   after enable() was not recorded at all);
 * - settled: stop() reads CPU and wall time at once, then lets the event loop turn once so the
 *   overdue timer records a stall lasting to the phase's end (an in-process engine that never
 *   yields during the whole level would otherwise show no delay at all), then reads the histogram.
 * Both waits are outside the phase. CPU and wall time cover the phase only.
 * `cpu: 'thread'` (client threads): cpu_cores is this thread's event-loop utilisation (watchingThread).
 */
export async function watchClientLoadArmed(o: { cpu?: 'process' | 'thread' } = {}): Promise<{ stop(): Promise<ClientLoad> }> {
  const h = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, EVENT_LOOP_RESOLUTION_MS + 5));
  const w = o.cpu === 'thread' ? watchingThread(h) : watching(h);
  return {
    async stop() {
      const cpuWall = w.cpuWall();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return w.stop(cpuWall);
    },
  };
}

/**
 * As watching(), for a client thread (config client_threads): process.cpuUsage() counts every
 * thread of the process and Node 20 has no per-thread CPU clock, so cpu_cores is this thread's
 * event-loop utilisation instead — the share of the phase its loop was not idle waiting for I/O
 * (1.0 = the thread never rested: it was the bottleneck).
 */
function watchingThread(h: IntervalHistogram) {
  const base = watching(h);
  const elu0 = performance.eventLoopUtilization();
  const cpuWall = () => ({ ...base.cpuWall(), elu: performance.eventLoopUtilization(elu0).utilization });
  return {
    cpuWall,
    stop(at: ReturnType<typeof cpuWall> = cpuWall()): ClientLoad {
      return { ...base.stop(at), cpu_cores: Math.round(at.elu * 100) / 100 };
    },
  };
}

function watching(h: IntervalHistogram, resolutionMs = EVENT_LOOP_RESOLUTION_MS) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const cpuWall = () => ({ wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: process.cpuUsage(cpu0) });
  return {
    cpuWall,
    stop(at: { wall: number; cpu: NodeJS.CpuUsage } = cpuWall()): ClientLoad {
      h.disable();
      const { wall, cpu } = at;
      const n = h.count;
      const delayMs = (ns: number) => (n === 0 ? 0 : Math.round((Math.max(0, ns - resolutionMs * 1e6) / 1e6) * 1000) / 1000);
      return {
        cpu_cores: wall > 0 ? Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100) / 100 : 0,
        event_loop_delay_p50_ms: delayMs(h.percentile(50)),
        event_loop_delay_p99_ms: delayMs(h.percentile(99)),
        event_loop_delay_max_ms: delayMs(h.max),
        event_loop_samples: n,
        wall_s: Math.round(wall * 1000) / 1000,
      };
    },
  };
}

/** "p99 1.2 ms", or "not observed" when the phase had no delay sample (or, for fitted loads, too few periods). */
export function loopDelayText(load: ClientLoad): string {
  return load.event_loop_samples === 0 || !loopDelayObserved(load) ? 'not observed (too short)' : `p99 ${load.event_loop_delay_p99_ms} ms`;
}

/**
 * Whether the phase spanned enough timer periods for its p99 delay to be a p99 (MIN_LOOP_PERIODS).
 * Counted in periods of wall time, not recorded samples: a blocked loop records few samples, each
 * of them large, and must still be seen. Loads without a recorded resolution: any sample counts.
 */
export function loopDelayObserved(load: ClientLoad): boolean {
  if (load.event_loop_samples === 0) return false;
  const r = load.event_loop_resolution_ms;
  return r === undefined || (load.wall_s * 1000) / r >= MIN_LOOP_PERIODS;
}

/**
 * A loop delay can only have lengthened a request that took at least as long: when the slowest
 * request of the phase (ms) was shorter than the p99 delay, the delay fell between requests (or the
 * timer itself was late) and is not the requests' — the misfire this rule removes (a 16.8 ms p99
 * delay reported for a phase whose slowest request took 5.1 ms). Unknown slowest request: true.
 */
export function delayHitRequests(load: ClientLoad, slowestRequestMs: number | undefined): boolean {
  return slowestRequestMs === undefined || load.event_loop_resolution_ms === undefined || slowestRequestMs >= load.event_loop_delay_p99_ms;
}

/** Thresholds of the guard: a client this busy may have been the bottleneck. */
export const CLIENT_CPU_CORES_LIMIT = 0.8;
export const CLIENT_LOOP_P99_LIMIT_MS = 5;

/** Why a load looks client-bound (empty when it does not), one phrase per threshold crossed. */
export function clientBoundReasons(load: ClientLoad, slowestRequestMs?: number): string[] {
  const reasons: string[] = [];
  if (load.cpu_cores >= CLIENT_CPU_CORES_LIMIT) reasons.push(`the client used ${Math.round(load.cpu_cores * 100)}% of one core`);
  if (loopDelayObserved(load) && load.event_loop_delay_p99_ms >= CLIENT_LOOP_P99_LIMIT_MS && delayHitRequests(load, slowestRequestMs)) {
    reasons.push(`its event loop was delayed ${load.event_loop_delay_p99_ms} ms at p99`);
  }
  return reasons;
}

/**
 * A warning when the client, not the database, may have been the bottleneck. Only meaningful
 * when every target's server runs in another process: an in-process engine (PGlite, and the
 * pglite-socket gateway) spends its own work in this process by design.
 */
export function clientBottleneckWarning(load: ClientLoad, allOutOfProcess: boolean, slowestRequestMs?: number): string | undefined {
  if (!allOutOfProcess) return undefined;
  const reasons = clientBoundReasons(load, slowestRequestMs);
  return reasons.length ? `CLIENT-BOUND? ${reasons.join(' and ')} while measuring: latencies include client time; use fewer targets per run or a faster client machine.` : undefined;
}
