import type { StageContext } from '../cli/run-stage.js';
import { measureClientCapacity } from '../measure/client-capacity.js';
import { writeClientCapacity } from '../store/client-capacity.js';
import { clientThreadsFor } from './client-threads.js';
import { onTarget, type OpenTarget } from './targets.js';

/**
 * The client's capacity on each target, for runs whose load levels could make the client the
 * bottleneck (a concurrency sweep or an open loop): lib/measure/client-capacity.ts, on the
 * measuring session, before the timed loop; stored per target. Render flags every level above
 * 70 % of it (lib/render/client-capacity-report.ts).
 */
export async function recordClientCapacity(ctx: StageContext, runId: string, targets: readonly OpenTarget[]): Promise<void> {
  const c = ctx.config;
  if (c.concurrency.length === 0 && c.rate.length === 0) return;
  const parts: string[] = [];
  for (const t of targets) {
    const statement = t.module.dialect.ping;
    const cap = await onTarget(t, 'client capacity', () => measureClientCapacity(t.session, statement));
    const threads = clientThreadsFor(c, t);
    await writeClientCapacity(ctx.store, { run_id: runId, target: t.id, statement, threads, in_process: t.module.capabilities.inProcess === true ? 1 : 0, ...cap });
    parts.push(
      `${t.id} ${Math.round(cap.per_thread_rps).toLocaleString('en-US')}/s per thread${threads > 1 ? ` × ${threads} threads` : ''} ` +
        `(${cap.requests.toLocaleString('en-US')} requests in ${(cap.wall_ns / 1e9).toFixed(2)} s, ${(cap.cpu_ns / 1e3 / cap.requests).toFixed(1)} µs CPU each)`,
    );
  }
  ctx.log(`client capacity (bare loop of the trivial statement, untimed): ${parts.join('; ')}`);
}
