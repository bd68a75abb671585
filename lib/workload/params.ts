import { VectorSource, type Distribution } from './generator.js';
import { GENERATED_METADATA, type DatasetMetadata } from './dataset-metadata.js';
import { SeededStream } from './prng.js';
import { CATALOGUE, WRITTEN_LABEL_PREFIX, type QueryId } from './queries.js';

/**
 * Parameter streams. Every target receives the identical sequence: values depend only on
 * (seed, phase, query id, iteration), never on the target.
 *
 * A logical value is a number, a string, or a reference into the query-vector pool; targets
 * encode pool vectors once, before any timed loop, so no vector formatting happens while timing.
 */
export type LogicalParam = number | string | { vector: number } | { newRow: number };
export type Phase = 'warmup' | 'measure' | 'verify' | 'sweep' | 'open_loop';

export interface WorkloadShape {
  seed: number;
  dataset_size: number;
  vector_dims: number;
  k: number;
  query_vector_pool: number;
  distribution?: Distribution;
  /** Labels and categories the `label` and `category` parameters draw from; absent: the generator's. */
  metadata?: DatasetMetadata;
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

/**
 * The vectors insert_one writes: `query_vector_pool` of them from their own stream, drawn like the
 * dataset (same distribution), never a dataset row nor a query vector. They follow the query
 * vectors in the encoded pool (index query_vector_pool + j), so targets encode them once, before
 * any timed loop, like the query vectors.
 */
export function writeVectorPool(w: WorkloadShape): Float32Array[] {
  const source = new VectorSource(w.seed, 'write-vectors', w.vector_dims, w.distribution);
  return Array.from({ length: w.query_vector_pool }, () => {
    const v = new Float32Array(w.vector_dims);
    source.next(v, 0);
    return v;
  });
}

/**
 * The id a `{ newRow: i }` parameter stands for on the target at `targetIndex` of a phase of
 * `span` iterations: above the dataset's range, and distinct per target, so paths that share a
 * database (pglite and pglite-wire) never insert the same id. Row ids are int4 on every dialect.
 */
export function newRowId(datasetSize: number, targetIndex: number, span: number, i: number): number {
  const id = datasetSize + 1 + targetIndex * span + i;
  if (!Number.isSafeInteger(id) || id > 2 ** 31 - 1) throw new Error(`insert_one: row id ${id} exceeds the 32-bit id column (dataset_size ${datasetSize}, ${span} iterations, target ${targetIndex}); use fewer iterations`);
  return id;
}

/**
 * The id of `{ newRow: i }` in a phase whose length is not known in advance (the session warmup,
 * which runs until steady): the targets' ids interleave, dataset_size + 1 + i × targets + index,
 * so they stay distinct per target and never repeat, however large i grows.
 */
export function newRowIdInterleaved(datasetSize: number, targetIndex: number, targets: number, i: number): number {
  const id = datasetSize + 1 + i * targets + targetIndex;
  if (!Number.isSafeInteger(id) || id > 2 ** 31 - 1) throw new Error(`insert_one: row id ${id} exceeds the 32-bit id column (dataset_size ${datasetSize}, iteration ${i}, ${targets} target(s)); use a shorter warmup (warmup_max_s)`);
  return id;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.fff]` in UTC: a timestamp literal both SQL dialects read (the IRIS one as
 * its ODBC timestamp, the pgvector one as `timestamp`, then AT TIME ZONE 'UTC').
 */
export function sqlTimestampUtc(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-01-01T00:00:01.000Z
  const frac = iso.slice(19, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac === '.000' ? '' : frac}`;
}

/** `count` parameter lists for one query in one phase. */
export function paramSequence(w: WorkloadShape, phase: Phase, queryId: QueryId, count: number): LogicalParam[][] {
  const template = CATALOGUE.find((q) => q.id === queryId)!;
  const rng = new SeededStream(w.seed, `params:${phase}:${queryId}`);
  const meta = w.metadata ?? GENERATED_METADATA;
  const out: LogicalParam[][] = [];
  for (let i = 0; i < count; i++) {
    let row = 0; // the id the last `row_id` drew: row_label etc. describe that row
    out.push(
      template.params.map((kind): LogicalParam => {
        switch (kind) {
          case 'row_id':
            return (row = rng.int(1, w.dataset_size));
          // No draw: the row's own metadata, as seed loaded it (created_at as SQL timestamp text, UTC).
          case 'row_label':
            return meta.row(row).label;
          case 'row_category':
            return meta.row(row).category;
          case 'row_created_at':
            return sqlTimestampUtc(meta.row(row).createdAtMs);
          // A label and a category the dataset has: one draw each, so the generator's streams are
          // unchanged (label of a seeded row id; category by a seeded index into the names).
          case 'label':
            return meta.labelOf(rng.int(1, w.dataset_size));
          case 'category':
            return meta.categories[rng.int(0, meta.categories.length - 1)]!;
          case 'query_vector':
            return { vector: rng.int(0, w.query_vector_pool - 1) };
          case 'k':
            return w.k;
          // The new row's id depends on the target (see newRowId): resolved when the call is bound.
          case 'new_row_id':
            return { newRow: i };
          case 'new_vector':
            return { vector: w.query_vector_pool + rng.int(0, w.query_vector_pool - 1) };
          case 'new_label':
            return `${WRITTEN_LABEL_PREFIX}${rng.int(1, 1_000_000_000)}`;
        }
      }),
    );
  }
  return out;
}
