import type { StageContext } from '../cli/run-stage.js';
import { errorText } from '../errors.js';
import { runEfSearchBlock } from '../measure/ef-search-block.js';
import { prepareCalls } from '../measure/prepare.js';
import { writeEfSearchBlock } from '../store/ef-search.js';
import { efSearchTunable } from '../targets/ef-search.js';
import { scoreEfSearchRecall } from '../verify/ef-search-recall.js';
import { ANN_QUERIES } from '../workload/ann-queries.js';
import { paramSequence, type WorkloadShape } from '../workload/params.js';
import { groundTruthFor } from './ground-truth.js';
import { onTarget, type OpenTarget } from './targets.js';
import { recordQueryPlans } from './query-plans.js';
import { planWarnings } from '../verify/plan-warnings.js';

/**
 * The ef_search sweep (config `ef_search`), after the main measurement, on the measuring sessions.
 *
 * For each value, in ascending order, and for each target in turn (so drift over the sweep hits
 * every target alike): set the session's ef_search, then for each query an HNSW index serves
 * (ANN_QUERIES) run the untimed recall pass and then the timed block, both with the same
 * `ef_search_requests` parameter lists — the sweep's stream, identical for every target and every
 * value. The recall pass also warms the pages those requests touch at this ef_search. A target
 * that cannot set ef_search at query time (IRIS SQL) is measured once, in the first round, at its
 * default (stored with ef_search NULL). Afterwards every tunable session is set back to
 * `hnsw.ef_search`, the value of the main measurement.
 */
export async function efSearchSweep(ctx: StageContext, runId: string, targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape): Promise<void> {
  const c = ctx.config;
  const values = [...new Set(c.ef_search)].sort((a, b) => a - b);
  const n = c.ef_search_requests;
  const truth = await groundTruthFor(ctx, c);
  const logical = ANN_QUERIES.map((q) => paramSequence(shape, 'sweep', q.id, n));
  const prepared = prepareCalls(targets, pools, ANN_QUERIES, shape, 'sweep', n);
  const tunable = targets.filter((t) => efSearchTunable(t.module));
  const fixed = targets.filter((t) => !efSearchTunable(t.module)).map((t) => t.id);
  ctx.log(
    `ef_search sweep: ${values.join(', ')} × ${ANN_QUERIES.map((q) => q.id).join(', ')}, ${n} timed requests each (+ an untimed recall pass)` +
      (fixed.length ? `; ${fixed.join(', ')}: not tunable, one point at the default` : ''),
  );
  const setEf = (t: OpenTarget, ef: number) => onTarget(t, `setting ef_search ${ef}`, () => t.session.query(t.module.dialect.set_ef_search, [String(ef)]));
  let planSeconds = 0;
  try {
    for (const [round, ef] of values.entries()) {
      for (const p of prepared) {
        const t = p.target;
        const efSearch = efSearchTunable(t.module) ? ef : null;
        if (efSearch === null && round > 0) continue;
        if (efSearch !== null) await setEf(t, efSearch);
        // Untimed: the plan of each query at this ef_search, with its first timed request's parameters.
        const plans = await recordQueryPlans(ctx.store, { runId, scope: 'ef_search', efSearch, targets: [p], queries: ANN_QUERIES });
        planSeconds += plans.seconds;
        for (const note of planWarnings(plans.rows, ANN_QUERIES)) ctx.log(`warning: ${note}`);
        for (const [qi, query] of ANN_QUERIES.entries()) {
          const calls = p.calls[qi]!;
          if (calls.length === 0) continue; // not supported on this path (lib/pipeline/query-probe.ts)
          const recalls = await scoreEfSearchRecall({ runId, target: t, query, efSearch, calls, logical: logical[qi]!, truth, signal: ctx.signal });
          const { block, samples } = await runEfSearchBlock({ runId, target: t, query, efSearch, calls, signal: ctx.signal });
          await writeEfSearchBlock(ctx.store, block, samples, recalls);
          const scored = recalls.filter((r) => r.recall !== null);
          const recall = scored.length ? scored.reduce((a, r) => a + r.recall!, 0) / scored.length : NaN;
          const ok = samples.filter((s) => s.ok === 1).length;
          ctx.log(
            `ef_search ${efSearch ?? 'default (not tunable)'} ${t.id} ${query.id}: recall@${c.k} ${recall.toFixed(3)}, ${(ok / (block.wall_ns / 1e9)).toFixed(1)} QPS` +
              (ok < samples.length ? `, ${samples.length - ok} failed: ${samples.find((s) => s.ok === 0)!.error}` : ''),
          );
        }
      }
    }
  } catch (err) {
    // Best effort on the way out: a lost session cannot be reset, and the first error is the one to report.
    for (const t of tunable) await setEf(t, c.hnsw.ef_search).catch((e: unknown) => ctx.log(`could not restore ef_search on ${t.id}: ${errorText(e)}`));
    throw err;
  }
  for (const t of tunable) await setEf(t, c.hnsw.ef_search);
  ctx.log(`ef_search sweep: query plans recorded in ${planSeconds.toFixed(2)} s (untimed)`);
}
