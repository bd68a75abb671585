import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Client-bottleneck guard: how busy the measuring process itself was during a phase. Node's
 * event-loop delay histogram (a libuv timer sampled every 20 ms, no JavaScript runs for it) and
 * the process CPU time over the wall time. A client pinned near one core, or an event loop that
 * stalls, means latencies include client time — the database may not be the bottleneck.
 */
export interface ClientLoad {
  /** Process CPU (user + system) ÷ wall time: 1.0 = one core busy all the time. */
  cpu_cores: number;
  event_loop_delay_p50_ms: number;
  event_loop_delay_p99_ms: number;
  event_loop_delay_max_ms: number;
  wall_s: number;
}

export function watchClientLoad(): { stop(): ClientLoad } {
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  return {
    stop() {
      h.disable();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      const ms = (ns: number) => Math.round((ns / 1e6) * 1000) / 1000;
      return {
        cpu_cores: wall > 0 ? Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 100) / 100 : 0,
        event_loop_delay_p50_ms: ms(h.percentile(50)),
        event_loop_delay_p99_ms: ms(h.percentile(99)),
        event_loop_delay_max_ms: ms(h.max),
        wall_s: Math.round(wall * 10) / 10,
      };
    },
  };
}

/** Thresholds of the guard: a client this busy may have been the bottleneck. */
export const CLIENT_CPU_CORES_LIMIT = 0.8;
export const CLIENT_LOOP_P99_LIMIT_MS = 5;

/** Why a load looks client-bound (empty when it does not), one phrase per threshold crossed. */
export function clientBoundReasons(load: ClientLoad): string[] {
  const reasons: string[] = [];
  if (load.cpu_cores >= CLIENT_CPU_CORES_LIMIT) reasons.push(`the client used ${Math.round(load.cpu_cores * 100)}% of one core`);
  if (load.event_loop_delay_p99_ms >= CLIENT_LOOP_P99_LIMIT_MS) reasons.push(`its event loop was delayed ${load.event_loop_delay_p99_ms} ms at p99`);
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
