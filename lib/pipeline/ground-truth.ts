import type { StageContext } from '../cli/run-stage.js';
import type { ResolvedConfig } from '../config/load.js';
import { stopwatch } from '../measure/stopwatch.js';
import { loadGroundTruth, saveGroundTruth } from '../store/verifications.js';
import { computeGroundTruth, type GroundTruth } from '../workload/ground-truth.js';
import { queryVectorPool } from '../workload/params.js';
import { preferredKernel } from '../workload/top-k-select.js';
import { datasetIdOf, datasetSpecOf } from './dataset.js';
import { workloadShape } from './session-setup.js';

/** Exact top-k of the query pool for this dataset: computed once, then read from the store. */
export async function groundTruthFor(ctx: StageContext, c: ResolvedConfig): Promise<GroundTruth> {
  const dsId = datasetIdOf(c);
  const stored = await loadGroundTruth(ctx.store, dsId, c.query_vector_pool, c.k);
  if (stored) return stored;
  const w = stopwatch();
  const gt = await computeGroundTruth(datasetSpecOf(c), queryVectorPool(workloadShape(c)), c.k);
  await saveGroundTruth(ctx.store, dsId, c.query_vector_pool, gt);
  ctx.log(`ground truth (${preferredKernel()} kernel): exact top-${c.k} of ${c.query_vector_pool} query vectors over ${c.dataset_size.toLocaleString('en-US')} rows in ${w.seconds().toFixed(1)} s (stored for this dataset)`);
  return gt;
}
