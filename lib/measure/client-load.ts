import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

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
  wall_s: number;
}

export function watchClientLoad(): { stop(): ClientLoad } {
  const h = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  h.enable();
  const w = watching(h);
  return { stop: () => w.stop() };
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
 */
export async function watchClientLoadArmed(): Promise<{ stop(): Promise<ClientLoad> }> {
  const h = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, EVENT_LOOP_RESOLUTION_MS + 5));
  const w = watching(h);
  return {
    async stop() {
      const cpuWall = w.cpuWall();
      await new Promise((resolve) => setTimeout(resolve, 1));
      return w.stop(cpuWall);
    },
  };
}

function watching(h: IntervalHistogram) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const cpuWall = () => ({ wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: process.cpuUsage(cpu0) });
  return {
    cpuWall,
    stop(at: { wall: number; cpu: NodeJS.CpuUsage } = cpuWall()): ClientLoad {
      h.disable();
      const { wall, cpu } = at;
      const n = h.count;
      const delayMs = (ns: number) => (n === 0 ? 0 : Math.round((Math.max(0, ns - EVENT_LOOP_RESOLUTION_MS * 1e6) / 1e6) * 1000) / 1000);
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

/** "p99 1.2 ms", or "not observed" when the phase had no delay sample. */
export function loopDelayText(load: ClientLoad): string {
  return load.event_loop_samples === 0 ? 'not observed (too short)' : `p99 ${load.event_loop_delay_p99_ms} ms`;
}

/** Thresholds of the guard: a client this busy may have been the bottleneck. */
export const CLIENT_CPU_CORES_LIMIT = 0.8;
export const CLIENT_LOOP_P99_LIMIT_MS = 5;

/** Why a load looks client-bound (empty when it does not), one phrase per threshold crossed. */
export function clientBoundReasons(load: ClientLoad): string[] {
  const reasons: string[] = [];
  if (load.cpu_cores >= CLIENT_CPU_CORES_LIMIT) reasons.push(`the client used ${Math.round(load.cpu_cores * 100)}% of one core`);
  if (load.event_loop_samples !== 0 && load.event_loop_delay_p99_ms >= CLIENT_LOOP_P99_LIMIT_MS) reasons.push(`its event loop was delayed ${load.event_loop_delay_p99_ms} ms at p99`);
  return reasons;
}

/**
 * A warning when the client, not the database, may have been the bottleneck. Only meaningful
 * when every target's server runs in another process: an in-process engine (PGlite, and the
 * pglite-socket gateway) spends its own work in this process by design.
 */
export function clientBottleneckWarning(load: ClientLoad, allOutOfProcess: boolean): string | undefined {
  if (!allOutOfProcess) return undefined;
  const reasons = clientBoundReasons(load);
  return reasons.length ? `CLIENT-BOUND? ${reasons.join(' and ')} while measuring: latencies include client time; use fewer targets per run or a faster client machine.` : undefined;
}
