import type { StageContext } from '../cli/run-stage.js';
import { prepareCalls } from '../measure/prepare.js';
import { runSweepLevel } from '../measure/sweep.js';
import { writeSweepLevel } from '../store/sweep.js';
import type { Session } from '../targets/interface.js';
import type { WorkloadShape } from '../workload/params.js';
import { QUERIES } from '../workload/queries.js';
import { onTarget, type OpenTarget } from './targets.js';
import { applySessionSettings } from './session-setup.js';
import { levelClientLoad } from '../store/level-client-load.js';
import { loopDelayText } from '../measure/client-load.js';
import { levelClientWarnings } from '../verify/level-client-warnings.js';
import { commonQueries } from './query-probe.js';

/**
 * The closed-loop concurrency sweep (config `concurrency`), after the main measurement, one
 * target at a time so targets do not compete for the two cores: for each level C, C-1 extra
 * sessions are opened beside the measuring one, C clients run `sweep_requests` requests each, and
 * every sample plus the level's wall time is stored. Targets without concurrent sessions (PGlite)
 * are measured all the same — their clients queue behind one session — and marked so. The mix
 * is the queries every target runs (a query some path cannot run is left out for all).
 */
export async function concurrencySweep(ctx: StageContext, runId: string, targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape): Promise<void> {
  const c = ctx.config;
  const levels = [...new Set(c.concurrency)].sort((a, b) => a - b);
  // One mix for every target, so levels compare: the queries every path runs.
  const { queries, leftOut } = commonQueries(targets, QUERIES);
  if (leftOut.length) ctx.log(`concurrency sweep: mix without ${leftOut.join(', ')}`);
  if (queries.length === 0) return;
  const perQuery = Math.max(1, Math.ceil((Math.max(...levels) * c.sweep_requests) / queries.length));
  for (const t of targets) {
    const [prepared] = prepareCalls([t], pools, queries, shape, 'sweep', perQuery);
    for (const level of levels) {
      const extra: Session[] = [];
      try {
        for (let k = 1; k < level; k++) {
          const s = await onTarget(t, `opening sweep session ${k + 1}/${level}`, () => t.module.open(t.ctx));
          extra.push(s);
          await applySessionSettings(c, t, s, 'sweep session setup');
        }
        const { level: row, samples, clientLoad } = await runSweepLevel({
          runId, target: t, sessions: [t.session, ...extra], queries, calls: prepared!.calls, requests: c.sweep_requests, signal: ctx.signal,
        });
        await writeSweepLevel(ctx.store, row, samples);
        const ok = samples.filter((s) => s.ok === 1).length;
        ctx.log(
          `sweep ${t.id} × ${level} client(s): ${samples.length} requests, ${(ok / (row.wall_ns / 1e9)).toFixed(0)} QPS` +
            (t.module.capabilities.concurrentSessions ? '' : ' (clients queue behind one session)') +
            `; client ${Math.round(clientLoad.cpu_cores * 100)}% of a core, event-loop delay ${loopDelayText(clientLoad)}`,
        );
        for (const w of levelClientWarnings('sweep', levelClientLoad({ ...row, level }))) ctx.log(`warning: ${w}`);
      } finally {
        for (const s of extra) await s.close();
      }
    }
  }
}
