import type { ResolvedConfig } from '../config/load.js';
import { encodePool } from '../measure/prepare.js';
import { queryVectorPool, type WorkloadShape } from '../workload/params.js';
import { distributionOf } from './dataset.js';
import { queryModeOf } from '../targets/query-mode.js';
import { onTarget, type OpenTarget } from './targets.js';

export function workloadShape(c: ResolvedConfig): WorkloadShape {
  return { seed: c.seed, dataset_size: c.dataset_size, vector_dims: c.vector_dims, k: c.k, query_vector_pool: c.query_vector_pool, distribution: distributionOf(c) };
}

/**
 * Per-session settings in force while measuring (hnsw.ef_search), and the query-vector pool
 * encoded once per target (as text for a target in the simple query mode). Called before any timed loop.
 */
export async function prepareSessions(c: ResolvedConfig, targets: readonly OpenTarget[]): Promise<Map<string, unknown[]>> {
  const pool = queryVectorPool(workloadShape(c));
  const encoded = new Map<string, unknown[]>();
  for (const t of targets) {
    await onTarget(t, 'session setup', () => t.session.query(t.module.dialect.set_ef_search, [String(c.hnsw.ef_search)]));
    // Simple mode renders vectors as literals: text form, whatever vector_param_format says.
    encoded.set(t.id, encodePool(t, pool, queryModeOf(t) === 'simple' ? 'text' : c.vector_param_format));
  }
  return encoded;
}
