import { TargetUnavailableError, errorText } from '../errors.js';
import type { PreparedCall } from '../measure/prepare.js';
import type { OpenTarget } from '../pipeline/targets.js';
import type { EfSearchRecallRow } from '../store/ef-search.js';
import { categoryIndex } from '../workload/dataset-metadata.js';
import { recallAt, truthList, type GroundTruth } from '../workload/ground-truth.js';
import type { LogicalParam } from '../workload/params.js';
import type { QueryId, QueryTemplate } from '../workload/queries.js';
import { idsOf } from './result-hash.js';

/**
 * The exact top-k a kNN request should return: of its pool vector, over all rows, or — when the
 * request binds a category (vector_filter) — over the rows of that category; for a file dataset
 * with its own neighbour lists, those lists for the query they were made for (truthList()).
 */
export function truthOf(logical: readonly LogicalParam[], truth: GroundTruth, query: QueryId = 'vector_cosine'): readonly number[] {
  const vector = logical.find((p): p is { vector: number } => typeof p === 'object');
  if (!vector) throw new Error('truthOf: the request binds no query vector');
  // The only string a kNN request binds is vector_filter's category.
  const category = logical.find((p): p is string => typeof p === 'string');
  return truthList(truth, query, vector.vector, category !== undefined ? categoryIndex(truth.categories, category) : undefined);
}

/**
 * The recall pass of one ef_search block: untimed (it reads no clock), before the block's timed
 * requests and with the same session setting and the same parameters, so recall and QPS describe
 * the same requests. Each result's ids are scored against the exact ground truth (recall@k).
 * A failed request is stored with its error and no recall; a lost connection aborts the run.
 */
export async function scoreEfSearchRecall(o: {
  runId: string;
  target: OpenTarget;
  query: QueryTemplate;
  efSearch: number | null;
  calls: readonly PreparedCall[];
  logical: readonly (readonly LogicalParam[])[];
  truth: GroundTruth;
  signal?: AbortSignal;
}): Promise<EfSearchRecallRow[]> {
  const out: EfSearchRecallRow[] = [];
  for (const [seq, call] of o.calls.entries()) {
    const row = { run_id: o.runId, target: o.target.id, ef_search: o.efSearch, query_id: o.query.id, seq };
    try {
      const r = await o.target.session.query(call.sql, call.params);
      out.push({ ...row, recall: recallAt(idsOf(r.rows), truthOf(o.logical[seq]!, o.truth, o.query.id)), error: null });
    } catch (err) {
      if (o.target.module.isConnectionLoss(err)) {
        throw new TargetUnavailableError([{ target: o.target.id, reason: `lost during the ef_search recall pass (${o.query.id}): ${errorText(err)}` }], 'ef_search sweep');
      }
      out.push({ ...row, recall: null, error: errorText(err) });
    }
    if (o.signal?.aborted) throw o.signal.reason;
  }
  return out;
}
