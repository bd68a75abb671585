/**
 * The query catalogue: the eight read templates of the original benchmark in three categories
 * (QUERIES, measured by every run), and the write templates (WRITE_QUERIES, category `write`,
 * measured only with `writes: true`: see measuredQueries). Dialect-agnostic: only ids,
 * categories and the *logical* parameters each template binds, in bind order. Every target's
 * dialect.ts supplies the SQL for each id and must bind the parameters in exactly this order
 * ($1 = params[0], ...) unless its bindOrder says otherwise.
 */
export const CATEGORIES = ['simple', 'vector_similarity', 'complex_join', 'write'] as const;
export type Category = (typeof CATEGORIES)[number];

/** A logical parameter: what it is, not how a driver encodes it. */
export type ParamKind =
  | 'row_id' | 'query_vector' | 'k' | 'label' | 'category' | 'new_row_id' | 'new_vector' | 'new_label'
  // The dataset's own metadata of the row the preceding `row_id` drew (delete_insert re-inserts it).
  | 'row_label' | 'row_category' | 'row_created_at';

export interface QueryTemplate {
  id: QueryId;
  category: Category;
  params: readonly ParamKind[];
  /** True when the result is fully determined by the data (no ANN approximation). */
  deterministic: boolean;
  /**
   * True when every execution reads the whole table whatever its parameters (the exact-scan kNN
   * queries): its first execution leaves the cache as every later one needs it, so the query-vector
   * warmup (lib/pipeline/query-vector-warmup.ts) skips it.
   */
  exactScan?: true;
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
  'insert_one',
  'update_metadata',
  'delete_insert',
] as const;
export type QueryId = (typeof QUERY_IDS)[number];

export const QUERIES: readonly QueryTemplate[] = [
  { id: 'simple_select_all', category: 'simple', params: [], deterministic: true, description: 'first 10 rows (id, embedding) by id' },
  { id: 'simple_select_id', category: 'simple', params: ['row_id'], deterministic: true, description: 'one row (id, embedding) by primary key' },
  { id: 'simple_count', category: 'simple', params: [], deterministic: true, description: 'COUNT(*) of the vectors table' },
  { id: 'vector_cosine', category: 'vector_similarity', params: ['query_vector', 'k'], deterministic: false, description: 'k nearest by cosine distance (HNSW index)' },
  { id: 'vector_l2', category: 'vector_similarity', params: ['query_vector', 'k'], deterministic: true, exactScan: true, description: 'k nearest by L2 distance (exact scan: the index is cosine)' },
  { id: 'vector_inner_product', category: 'vector_similarity', params: ['query_vector', 'k'], deterministic: true, exactScan: true, description: 'k largest inner products (exact scan: the index is cosine)' },
  { id: 'join', category: 'complex_join', params: ['label'], deterministic: true, description: 'vectors ⋈ metadata filtered by label' },
  { id: 'vector_filter', category: 'complex_join', params: ['query_vector', 'category', 'k'], deterministic: false, description: 'k nearest by cosine within one category' },
];

/**
 * The write templates (docs/writes.md). Each changes the dataset while it is measured, and every
 * stage that runs them undoes them afterwards and checks the dataset fingerprint again
 * (lib/pipeline/write-undo.ts): new rows get ids above the dataset's range, changed labels start
 * with WRITTEN_LABEL_PREFIX, and delete_insert puts back exactly what it deleted (a row it left
 * deleted is found missing and put back). Results are
 * compared across paths by rows affected.
 */
export const WRITE_QUERIES: readonly QueryTemplate[] = [
  { id: 'insert_one', category: 'write', params: ['new_row_id', 'new_vector'], deterministic: true, description: 'one new row (id above the dataset, a seeded vector), HNSW insert included' },
  { id: 'update_metadata', category: 'write', params: ['new_label', 'row_id'], deterministic: true, description: 'a seeded new label on one row by primary key' },
  { id: 'delete_insert', category: 'write', params: ['row_id', 'row_label', 'row_category', 'row_created_at'], deterministic: true, description: 'two statements in one request: delete one metadata row, insert the same row back (autocommit each)' },
];

/** Every template, reads and writes: for lookups by id (a stored run may hold either). */
export const CATALOGUE: readonly QueryTemplate[] = [...QUERIES, ...WRITE_QUERIES];

/** Labels update_metadata writes start with this (the dataset's own are `vector_<id>`): how leftovers are found. */
export const WRITTEN_LABEL_PREFIX = 'written-';

/** The templates a run measures: the reads, plus the writes when `writes` is on (off by default). */
export function measuredQueries(c: { writes?: boolean }): readonly QueryTemplate[] {
  return c.writes ? CATALOGUE : QUERIES;
}

export function isWrite(q: Pick<QueryTemplate, 'category'>): boolean {
  return q.category === 'write';
}

export function queryById(id: QueryId): QueryTemplate {
  const q = CATALOGUE.find((x) => x.id === id);
  if (!q) throw new Error(`unknown query id ${id}`);
  return q;
}
