import { QUERIES, type QueryTemplate } from './queries.js';

/**
 * The templates an HNSW index can serve, i.e. the ones whose answer depends on ef_search: the
 * approximate kNN queries of the catalogue — those binding a query vector and not marked
 * deterministic. Every dialect builds its one HNSW index for cosine distance (pgvector
 * `vector_cosine_ops`, IRIS `Distance='Cosine'`), so these are `vector_cosine` and `vector_filter`,
 * both ordered by cosine distance. `vector_l2` and `vector_inner_product` order by another metric,
 * which the cosine index cannot serve: they are exact scans, recall 1 at any ef_search, and an
 * ef_search sweep leaves them out.
 */
export const ANN_QUERIES: readonly QueryTemplate[] = QUERIES.filter((q) => q.params.includes('query_vector') && !q.deterministic);
