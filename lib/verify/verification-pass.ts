import { TargetUnavailableError, errorText } from '../errors.js';
import type { OpenTarget } from '../pipeline/targets.js';
import { bindLogical, queryCallFor, sendCall } from '../measure/prepare.js';
import { queryVars } from '../targets/bind.js';
import type { VerificationRow } from '../store/verifications.js';
import { categoryIndex } from '../workload/dataset-metadata.js';
import { recallAt, truthList, type GroundTruth } from '../workload/ground-truth.js';
import { paramSequence, type WorkloadShape } from '../workload/params.js';
import { QUERIES, isWrite, type QueryTemplate } from '../workload/queries.js';
import { idsHash, idsOf, resultHash } from './result-hash.js';

/** kNN templates: compared by returned ids and scored by recall@k. */
export function isKnn(q: QueryTemplate): boolean {
  return q.params.includes('query_vector');
}

/**
 * The verification pass: untimed (it reads no clock), outside every timed loop. Each query runs
 * `count` times on every target with the same parameters; iteration i uses pool vector i mod pool
 * (so the first `count` pool vectors are all covered). Records what came back: row count, a
 * canonical hash, and recall@k against the exact ground truth for kNN queries. A write query
 * (`queries` holds them when `writes` is on) returns no rows: its hash is over the rows it
 * affected, so paths that change a different number of rows disagree; the caller undoes the
 * writes afterwards (lib/pipeline/write-undo.ts).
 */
export async function runVerification(o: {
  runId: string;
  targets: readonly OpenTarget[];
  pools: ReadonlyMap<string, unknown[]>;
  shape: WorkloadShape;
  count: number;
  truth: GroundTruth;
  /** Default: the read catalogue. */
  queries?: readonly QueryTemplate[];
}): Promise<VerificationRow[]> {
  const out: VerificationRow[] = [];
  for (const q of o.queries ?? QUERIES) {
    const seq = paramSequence(o.shape, 'verify', q.id, o.count).map((params, i) =>
      params.map((p, pi) => (q.params[pi] === 'query_vector' ? { vector: i % o.shape.query_vector_pool } : p)),
    );
    for (const [i, logical] of seq.entries()) {
      const vectorIndex = i % o.shape.query_vector_pool;
      const ci = q.params.indexOf('category');
      const category = ci < 0 ? undefined : categoryIndex(o.truth.categories, logical[ci] as string);
      const truth = !isKnn(q) ? undefined : truthList(o.truth, q.id, vectorIndex, category);
      for (const [targetIndex, t] of o.targets.entries()) {
        if (t.unsupported?.has(q.id)) continue; // not supported on this path (lib/pipeline/query-probe.ts)
        const pool = o.pools.get(t.id)!;
        const bound = bindLogical(logical, pool, { datasetSize: o.shape.dataset_size, targetIndex, span: o.count });
        try {
          const r = await sendCall(t.session, queryCallFor(t, q.id, bound, queryVars(o.shape)));
          const ids = isKnn(q) ? idsOf(r.rows) : undefined;
          out.push({
            run_id: o.runId, target: t.id, query_id: q.id, iteration: i, row_count: r.rowCount,
            result_hash: ids ? idsHash(ids) : resultHash(isWrite(q) ? [[r.rowCount]] : r.rows),
            recall: ids && truth ? recallAt(ids, truth) : null,
            error: null,
          });
        } catch (err) {
          if (t.module.isConnectionLoss(err)) throw new TargetUnavailableError([{ target: t.id, reason: `lost during verification (${q.id}): ${errorText(err)}` }], 'verify');
          out.push({ run_id: o.runId, target: t.id, query_id: q.id, iteration: i, row_count: null, result_hash: null, recall: null, error: errorText(err) });
        }
      }
    }
  }
  return out;
}
