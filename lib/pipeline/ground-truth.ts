import type { StageContext } from '../cli/run-stage.js';
import type { ResolvedConfig } from '../config/load.js';
import { stopwatch } from '../measure/stopwatch.js';
import { loadGroundTruth, saveGroundTruth } from '../store/verifications.js';
import { compareNeighbourLists, computeGroundTruth, computeGroundTruthFrom, truthList, type GroundTruth } from '../workload/ground-truth.js';
import type { QueryId } from '../workload/queries.js';
import { preferredKernel } from '../workload/top-k-select.js';
import { datasetBatches, datasetIdOf, datasetMetadataOf, datasetSpecOf, fileNeighborsOf, queryPoolOf } from './dataset.js';
import { datasetIsUnitNorm } from './dataset-norms.js';

/** Above this share of disagreeing lists, a file's own neighbours are reported as a dataset problem. */
export const NEIGHBOUR_DISAGREEMENT_LIMIT = 0.01;

/** The query whose recall a file's neighbour lists score, by the file's metric. */
const QUERY_OF_METRIC: Record<string, QueryId> = { angular: 'vector_cosine', cosine: 'vector_cosine', euclidean: 'vector_l2', l2: 'vector_l2', dot: 'vector_inner_product', ip: 'vector_inner_product' };

/**
 * Exact top-k of the query pool for this dataset: computed once, then read from the store. For a
 * file dataset with its own neighbour lists, those score the recall of the query of their metric,
 * and are compared with the exact lists: a disagreement on more than 1% of the lists is logged as
 * a dataset problem (each time the truth is used, so every run's log says it).
 */
export async function groundTruthFor(ctx: StageContext, c: ResolvedConfig): Promise<GroundTruth> {
  const dsId = datasetIdOf(c);
  const stored = await loadGroundTruth(ctx.store, dsId, c.query_vector_pool, c.k);
  if (stored) {
    reportFileTruth(ctx, stored);
    return stored;
  }
  const w = stopwatch();
  const pool = await queryPoolOf(c);
  let gt: GroundTruth;
  if (!c.dataset_file) gt = await computeGroundTruth(datasetSpecOf(c), pool, c.k);
  else {
    const unitNorm = await datasetIsUnitNorm(ctx.store, dsId);
    // A file's category column: vector_filter's exact lists are ranked within the file's categories.
    const meta = datasetMetadataOf(c);
    const cats = meta.rowCategories ? { names: meta.categories, rowCategories: meta.rowCategories } : undefined;
    gt = await computeGroundTruthFrom(datasetBatches(c, 1000), c.dataset_size, c.vector_dims, pool, c.k, unitNorm, undefined, undefined, cats);
    if (!unitNorm) ctx.log('ground truth: the vectors are not unit-length, so cosine, L2 and inner product order rows differently: exact top-k computed for each');
    const own = await fileNeighborsOf(c);
    const query = own && QUERY_OF_METRIC[own.metric];
    if (own && !query) ctx.log(`warning: the file's neighbour lists are for metric "${own.metric}", which no query of the catalogue uses; recall is scored against the exact ground truth`);
    if (own && query) {
      const exact = pool.map((_, i) => truthList(gt, query, i));
      gt = { ...gt, file: { query, metric: own.metric, lists: own.lists, ...compareNeighbourLists(own.lists, exact, c.dataset_size) } };
    }
  }
  await saveGroundTruth(ctx.store, dsId, c.query_vector_pool, gt);
  ctx.log(`ground truth (${preferredKernel()} kernel): exact top-${c.k} of ${c.query_vector_pool} query vectors over ${c.dataset_size.toLocaleString('en-US')} rows in ${w.seconds().toFixed(1)} s (stored for this dataset)`);
  reportFileTruth(ctx, gt);
  return gt;
}

export function fileTruthProblem(gt: GroundTruth): string | undefined {
  const f = gt.file;
  if (!f || f.compared === 0 || f.disagreeing / f.compared <= NEIGHBOUR_DISAGREEMENT_LIMIT) return undefined;
  return `dataset problem: the file's own neighbour lists (${f.metric}) differ from the exact top-${gt.k} on ${f.disagreeing} of ${f.compared} lists (${((100 * f.disagreeing) / f.compared).toFixed(1)}%, above ${100 * NEIGHBOUR_DISAGREEMENT_LIMIT}%): recall of ${f.query} is scored against the file's lists, as asked, but they may not be this data's true neighbours (another metric, or rows changed)`;
}

function reportFileTruth(ctx: StageContext, gt: GroundTruth): void {
  const f = gt.file;
  if (!f) return;
  const problem = fileTruthProblem(gt);
  if (problem) ctx.log(`warning: ${problem}`);
  else ctx.log(`recall of ${f.query}: scored against the file's own neighbour lists (${f.metric}); they agree with the exact top-${gt.k} on ${f.compared - f.disagreeing} of ${f.compared} lists`);
}
