/**
 * CPU seconds used by this process so far (user + system, every thread, workers included). For
 * benches on a shared machine: wall time grows with other people's load, CPU time much less, so a
 * bench can print both. Lives in lib/measure because only this folder reads the clock.
 */
export function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
