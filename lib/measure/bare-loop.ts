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
