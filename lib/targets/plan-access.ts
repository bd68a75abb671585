/**
 * What a captured query plan says about the vector ordering (the ORDER BY distance of a kNN query):
 *  - `index`: an index returns the rows in distance order (pgvector's HNSW or IVFFlat) — approximate;
 *  - `sort`: the rows are read by some scan and sorted by the computed distance — exact;
 *  - `none`: the query orders by no vector distance (simple, join);
 *  - `unknown`: no plan (the target does not capture plans, or capture failed) or one not understood.
 */
export type VectorOrder = 'index' | 'sort' | 'none' | 'unknown';

export interface PlanAccess {
  vector_order: VectorOrder;
  /** For people: `index: benchmark_vectors_embedding_hnsw (hnsw)`, `seq scan + sort`, `not captured`, … */
  access: string;
}

export const NOT_CAPTURED = 'not captured';

/** A point / query known from its plan NOT to be served by a vector index (an exact scan + sort). */
export const knownNotVectorIndex = (o: { vector_order?: string | null }): boolean => o.vector_order === 'sort' || o.vector_order === 'none';
