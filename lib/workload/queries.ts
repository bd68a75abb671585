/**
 * The query catalogue: the eight templates of the original benchmark in three categories.
 * Dialect-agnostic: only ids, categories and the *logical* parameters each template binds, in
 * bind order. Every target's dialect.ts supplies the SQL for each id and must bind the
 * parameters in exactly this order ($1 = params[0], ...).
 */
export const CATEGORIES = ['simple', 'vector_similarity', 'complex_join'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A logical parameter: what it is, not how a driver encodes it. */
export type ParamKind = 'row_id' | 'query_vector' | 'k' | 'label' | 'category';

export interface QueryTemplate {
  id: QueryId;
  category: Category;
  params: readonly ParamKind[];
  /** True when the result is fully determined by the data (no ANN approximation). */
  deterministic: boolean;
  description: string;
}

export const QUERY_IDS = [
  'simple_select_all',
  'simple_select_id',
  'simple_count',
  'vector_cosine',
  'vector_l2',
  'vector_inner_product',
  'join',
  'vector_filter',
] as const;
export type QueryId = (typeof QUERY_IDS)[number];

export const QUERIES: readonly QueryTemplate[] = [
  { id: 'simple_select_all', category: 'simple', params: [], deterministic: true, description: 'first 10 rows (id, embedding) by id' },
  { id: 'simple_select_id', category: 'simple', params: ['row_id'], deterministic: true, description: 'one row (id, embedding) by primary key' },
  { id: 'simple_count', category: 'simple', params: [], deterministic: true, description: 'COUNT(*) of the vectors table' },
  { id: 'vector_cosine', category: 'vector_similarity', params: ['query_vector', 'k'], deterministic: false, description: 'k nearest by cosine distance (HNSW index)' },
  { id: 'vector_l2', category: 'vector_similarity', params: ['query_vector', 'k'], deterministic: true, description: 'k nearest by L2 distance (exact scan: the index is cosine)' },
  { id: 'vector_inner_product', category: 'vector_similarity', params: ['query_vector', 'k'], deterministic: true, description: 'k largest inner products (exact scan: the index is cosine)' },
  { id: 'join', category: 'complex_join', params: ['label'], deterministic: true, description: 'vectors ⋈ metadata filtered by label' },
  { id: 'vector_filter', category: 'complex_join', params: ['query_vector', 'category', 'k'], deterministic: false, description: 'k nearest by cosine within one category' },
];

export function queryById(id: QueryId): QueryTemplate {
  const q = QUERIES.find((x) => x.id === id);
  if (!q) throw new Error(`unknown query id ${id}`);
  return q;
}
