import type { Session } from '../targets/interface.js';

/**
 * The client's own capacity, measured once per target at the start of measure when the run has a
 * concurrency sweep or an open loop: a bare closed loop of the dialect's trivial statement
 * (`ping`, `SELECT 1`) on the measuring session, back to back, for a fixed budget. Untimed for the
 * metrics: nothing here is a sample, and no level is running.
 *
 * Capacity per thread = requests ÷ the process CPU seconds the loop used. On one session the wall
 * rate is bounded by the round trip (the server, the loopback), not by the client; what limits a
 * client thread is its own CPU per request — driver encode/decode, promises, the event loop — so a
 * thread kept busy issues at most 1 ÷ (CPU per request) requests per second. The wall rate is kept
 * beside it. Process CPU counts every thread of this process (GC, libuv), which lowers the
 * estimate; a query returning more than SELECT's one tiny row costs the client more per request,
 * so for it the capacity is an upper bound (docs/load-models.md has measured figures).
 *
 * Budget: CAPACITY_BUDGET_NS (1 s) after CAPACITY_WARM_CALLS untimed calls. A fixed budget, not a
 * count: at 0.2–1 ms per round trip on loopback it gives 1,000–5,000 requests, enough for CPU
 * time (µs resolution) to resolve the per-request cost to well under 1 %, and it adds one second
 * per target whatever the profile.
 */
export const CAPACITY_BUDGET_NS = 1e9;
export const CAPACITY_WARM_CALLS = 50;

export interface ClientCapacity {
  requests: number;
  wall_ns: number;
  cpu_ns: number;
  /** requests ÷ CPU seconds: what one fully busy client thread could issue. */
  per_thread_rps: number;
  /** requests ÷ wall seconds on the one session (round-trip bound). */
  wall_rps: number;
}

export async function measureClientCapacity(session: Session, sql: string, budgetNs = CAPACITY_BUDGET_NS): Promise<ClientCapacity> {
  for (let i = 0; i < CAPACITY_WARM_CALLS; i++) await session.query(sql, []);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(budgetNs));
  let requests = 0;
  let now = start;
  while (now < end) {
    await session.query(sql, []);
    requests++;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  const wallNs = Number(now - start);
  // cpuUsage is in µs; at least 1 µs so a coarse clock cannot divide by zero.
  const cpuNs = Math.max(1, cpu.user + cpu.system) * 1000;
  return { requests, wall_ns: wallNs, cpu_ns: cpuNs, per_thread_rps: requests / (cpuNs / 1e9), wall_rps: requests / (wallNs / 1e9) };
}
