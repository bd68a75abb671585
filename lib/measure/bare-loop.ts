/**
 * The reference for `make bench-harness`: the tightest loop a user could write by hand — clock,
 * await the driver call, clock — with latencies kept in a preallocated array. Compared with
 * runPhase on the same connection, it shows what the harness itself adds.
 */
export async function bareLoop(call: () => Promise<unknown>, n: number): Promise<{ latenciesMs: Float64Array; wallNs: number }> {
  const latenciesMs = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    latenciesMs[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return { latenciesMs, wallNs: Number(process.hrtime.bigint() - start) };
}

/**
 * The closed-loop reference of `make bench-client`: one async loop per client, each awaiting its
 * calls back to back — `each` requests per client, nothing recorded per request. Returns the wall
 * time from the first call to the last completion and the process CPU time (user + system, every
 * thread of this process) spent meanwhile: throughput and client CPU per request, the figures the
 * open loop is compared against.
 */
export async function bareClosedLoop(clients: readonly ((j: number) => Promise<unknown>)[], each: number): Promise<{ requests: number; wallNs: number; cpuSeconds: number }> {
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (call) => {
      for (let j = 0; j < each; j++) await call(j);
    }),
  );
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpu0);
  return { requests: clients.length * each, wallNs, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
