import type { ResolvedConfig } from '../config/load.js';
import { encodePool, type PreparedCall } from '../measure/prepare.js';
import { writeVectorPool, type WorkloadShape } from '../workload/params.js';
import { datasetMetadataOf, distributionOf, queryPoolOf } from './dataset.js';
import { GENERATED_METADATA } from '../workload/dataset-metadata.js';
import { queryModeOf } from '../targets/query-mode.js';
import { onTarget, type OpenTarget } from './targets.js';
import type { Session } from '../targets/interface.js';

export function workloadShape(c: ResolvedConfig): WorkloadShape {
  const metadata = datasetMetadataOf(c);
  return {
    seed: c.seed, dataset_size: c.dataset_size, vector_dims: c.vector_dims, k: c.k, query_vector_pool: c.query_vector_pool, distribution: distributionOf(c),
    ...(metadata !== GENERATED_METADATA ? { metadata } : {}),
  };
}

/**
 * The session settings every measuring session runs with: hnsw.ef_search and hnsw.iterative_scan
 * (echoed by IRIS, which has neither). Both are always set, so a server- or database-level default
 * cannot change what a run measures without the run's config saying so.
 */
export async function applySessionSettings(c: ResolvedConfig, t: OpenTarget, session: Session, what: string): Promise<void> {
  for (const call of sessionSettingCalls(c, t)) await onTarget(t, what, () => session.query(call.sql, call.params));
}

/** The statements applySessionSettings runs, in order: client threads run them on the sessions they open. */
export function sessionSettingCalls(c: ResolvedConfig, t: Pick<OpenTarget, 'module'>): PreparedCall[] {
  return [
    { sql: t.module.dialect.set_ef_search, params: [String(c.hnsw.ef_search)] },
    { sql: t.module.dialect.set_iterative_scan, params: [c.hnsw.iterative_scan ?? 'off'] },
  ];
}

/**
 * Per-session settings in force while measuring (hnsw.ef_search), and the query-vector pool
 * encoded once per target — followed, with `writes: true`, by the vectors insert_one writes
 * (paramSequence refers to them as query_vector_pool + j): the generator's own 'write-vectors'
 * stream, or for a file dataset the query pool once more (the file's own vectors; a query vector
 * then finds its copy while the copy exists) (as text for a target in the simple query mode). Called before any timed loop.
 */
export async function prepareSessions(c: ResolvedConfig, targets: readonly OpenTarget[]): Promise<Map<string, unknown[]>> {
  const queries = await queryPoolOf(c);
  const pool = c.writes ? [...queries, ...(c.dataset_file ? queries : writeVectorPool(workloadShape(c)))] : queries;
  const encoded = new Map<string, unknown[]>();
  for (const t of targets) {
    await applySessionSettings(c, t, t.session, 'session setup');
    // Simple mode renders vectors as literals: text form, whatever vector_param_format says.
    encoded.set(t.id, encodePool(t, pool, queryModeOf(t) === 'simple' ? 'text' : c.vector_param_format));
  }
  return encoded;
}
