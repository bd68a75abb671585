import { stopwatch } from '../measure/stopwatch.js';
import { bindLogical, queryCallFor, sendCall } from '../measure/prepare.js';
import { queryVars } from '../targets/bind.js';
import { errorText } from '../errors.js';
import { paramSequence, type LogicalParam, type WorkloadShape } from '../workload/params.js';
import type { QueryTemplate } from '../workload/queries.js';
import type { OpenTarget } from './targets.js';

/**
 * The kNN queries the query-vector warmup runs: those with a query vector whose work depends on it
 * (an index search visits the part of the graph near the vector), not the exact scans, which read
 * the whole table on every call.
 */
export function poolWarmupQueries(queries: readonly QueryTemplate[]): QueryTemplate[] {
  return queries.filter((q) => q.params.includes('query_vector') && q.exactScan !== true);
}

/**
 * An untimed pass before the steady-state warmup: every vector of the query-vector pool, once, through
 * each index kNN query (poolWarmupQueries), on every target that runs it. Its other parameters (k,
 * category) are the warmup stream's. Nothing is stored; failures are counted and the first one returned.
 *
 * Why: the measured phase draws its query vectors from the pool (query_vector_pool, 100 by
 * default), and an index search reads the pages near its vector. The steady-state warmup stops
 * after a few dozen executions, so most vectors met the index for the first time while being timed:
 * in a new measure process (PGlite's buffer cache starts empty) those searches read their pages,
 * later ones found them cached, and the kNN queries got faster through the phase. Measured on
 * config/embedded.yaml (quiet machine, the speed probe flat): pglite vector_cosine −11% and
 * vector_filter −14% from the first to the last quarter on the requests at the same machine speed
 * (docs/methodology.md). After this pass the cache holds what every measured search needs, as it
 * does after the first quarter without it.
 */
export async function warmQueryVectorPool(
  targets: readonly OpenTarget[], pools: ReadonlyMap<string, unknown[]>, shape: WorkloadShape, queries: readonly QueryTemplate[],
): Promise<{ requests: number; failed: number; seconds: number; queries: string[]; firstError: string | null } | null> {
  const knn = poolWarmupQueries(queries);
  if (knn.length === 0 || shape.query_vector_pool === 0) return null;
  const vars = queryVars(shape);
  // Each query's warmup-stream parameters, with the i-th draw's query vector replaced by pool vector i.
  const logical = knn.map((q) => paramSequence(shape, 'warmup', q.id, shape.query_vector_pool).map((params, i): LogicalParam[] =>
    params.map((p) => (typeof p === 'object' && 'vector' in p && p.vector < shape.query_vector_pool ? { vector: i } : p))));
  const watch = stopwatch();
  let requests = 0;
  let failed = 0;
  let firstError: string | null = null;
  for (const [targetIndex, t] of targets.entries()) {
    const pool = pools.get(t.id)!;
    const slot = { datasetSize: shape.dataset_size, targetIndex, span: shape.query_vector_pool };
    for (const [qi, q] of knn.entries()) {
      if (t.unsupported?.has(q.id)) continue;
      for (const params of logical[qi]!) {
        requests++;
        try {
          await sendCall(t.session, queryCallFor(t, q.id, bindLogical(params, pool, slot), vars));
        } catch (err) {
          failed++;
          firstError ??= `${t.id} ${q.id}: ${errorText(err)}`;
        }
      }
    }
  }
  return { requests, failed, seconds: watch.seconds(), queries: knn.map((q) => q.id), firstError };
}

/** The log lines of the pass: "query-vector warmup: …" and, when calls failed, a warning. */
export function queryVectorWarmupLines(r: NonNullable<Awaited<ReturnType<typeof warmQueryVectorPool>>>, poolSize: number): string[] {
  const lines = [`query-vector warmup: each of the ${poolSize.toLocaleString('en-US')} pool vectors once through ${r.queries.join(', ')} on every target: ` +
    `${r.requests.toLocaleString('en-US')} requests in ${r.seconds.toFixed(1)} s (untimed, not stored)`];
  if (r.failed > 0) lines.push(`warning: ${r.failed} of them failed (the steady-state warmup reports its own); first: ${r.firstError}`);
  return lines;
}
