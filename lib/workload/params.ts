import { CATEGORY_COUNT, VectorSource, type Distribution } from './generator.js';
import { SeededStream } from './prng.js';
import { QUERIES, type QueryId } from './queries.js';

/**
 * Parameter streams. Every target receives the identical sequence: values depend only on
 * (seed, phase, query id, iteration), never on the target.
 *
 * A logical value is a number, a string, or a reference into the query-vector pool; targets
 * encode pool vectors once, before any timed loop, so no vector formatting happens while timing.
 */
export type LogicalParam = number | string | { vector: number };
export type Phase = 'warmup' | 'measure' | 'verify' | 'sweep' | 'open_loop';

export interface WorkloadShape {
  seed: number;
  dataset_size: number;
  vector_dims: number;
  k: number;
  query_vector_pool: number;
  distribution?: Distribution;
}

/** The query-vector pool: drawn from its own stream, same distribution as the dataset, never a dataset row. */
export function queryVectorPool(w: WorkloadShape): Float32Array[] {
  const source = new VectorSource(w.seed, 'query-vectors', w.vector_dims, w.distribution);
  return Array.from({ length: w.query_vector_pool }, () => {
    const v = new Float32Array(w.vector_dims);
    source.next(v, 0);
    return v;
  });
}

/** `count` parameter lists for one query in one phase. */
export function paramSequence(w: WorkloadShape, phase: Phase, queryId: QueryId, count: number): LogicalParam[][] {
  const template = QUERIES.find((q) => q.id === queryId)!;
  const rng = new SeededStream(w.seed, `params:${phase}:${queryId}`);
  const out: LogicalParam[][] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      template.params.map((kind): LogicalParam => {
        switch (kind) {
          case 'row_id':
            return rng.int(1, w.dataset_size);
          case 'label':
            return `vector_${rng.int(1, w.dataset_size)}`;
          case 'category':
            return `category_${rng.int(0, CATEGORY_COUNT - 1)}`;
          case 'query_vector':
            return { vector: rng.int(0, w.query_vector_pool - 1) };
          case 'k':
            return w.k;
        }
      }),
    );
  }
  return out;
}
