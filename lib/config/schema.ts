import { z } from 'zod';
import { QUERY_IDS, WRITE_QUERIES } from '../workload/queries.js';
import { targetEntrySchema } from './target-instances.js';
import { DATASET_FORMATS } from '../workload/dataset-files/vector-file.js';
import { MAX_QUOTED_CHARS } from './quote.js';

/**
 * The resolved configuration of a benchmark run: one YAML profile (config/*.yaml) with CLI
 * flags laid over it. Validated once, at the stage boundary; everything downstream trusts it.
 * Keys are snake_case, as in the YAML files.
 */
export const PRODUCTION_MIN_ROWS = 100_000;
export const PRODUCTION_MAX_ROWS = 1_000_000;

const posInt = z.number().int().positive();

// Every key carries a .describe(): docs/configuration.md and config/schema.json are generated from
// these descriptions (`make docs`), and a test names any key without one. The first sentence is
// what a stage's --help shows for the key's flag.

export const hnswSchema = z
  .object({
    // pgvector's own limits (hnsw.h: m 2..100, ef_construction 4..1000, and at least 2 × m, checked in
    // crossFieldProblems): out of them the index build fails in `seed`, after the whole load.
    m: posInt.min(2).max(100).default(16).describe('HNSW index build: maximum connections per layer (pgvector `m`, 2–100).'),
    ef_construction: posInt.min(4).max(1000).default(64).describe('HNSW index build: size of the candidate list while building (pgvector `ef_construction`, 4–1000 and at least 2 × m).'),
    ef_search: posInt
      .max(1000)
      .default(40)
      .describe('pgvector `hnsw.ef_search` in force while measuring. IRIS SQL has no session-level ef_search: IRIS targets echo it.'),
    iterative_scan: z
      .enum(['off', 'strict_order', 'relaxed_order'])
      .default('off')
      .describe(
        'pgvector ≥ 0.8 `hnsw.iterative_scan` in force while measuring. `off` (pgvector\'s default) filters only the ef_search candidates, so a filtered kNN ' +
          '(vector_filter, one category in 10) finds about ef_search/10 matching rows and misses neighbours; `strict_order` keeps scanning until k rows pass ' +
          'the filter, in exact distance order; `relaxed_order` may return them slightly out of order. IRIS targets echo it (no such setting).',
      ),
  })
  .strict();

/**
 * A dataset read from a file instead of generated (docs/own-data.md). Every key carries a
 * .describe() text: the configuration reference is generated from them.
 */
export const datasetFileSchema = z
  .object({
    format: z.enum(DATASET_FORMATS).describe('File format: hdf5 (ann-benchmarks layout: train, test, neighbors, distances), fvecs (TEXMEX .fvecs), npy (NumPy 2-D float32/float64), parquet (a list<float> column), csv (header line; a "[x,y,...]" column or one column per component).'),
    path: z.string().min(1).describe('The file of the corpus (train set), relative to the working directory (the checkout for make) or absolute. `make … DATASET=file` sets it.'),
    test_path: z.string().min(1).optional().describe('fvecs, npy, parquet, csv: a second file of the same format holding the query vectors (test set). HDF5 files carry theirs in `test`. Without a test set the last query_vector_pool rows of the file are held out as queries and not loaded.'),
    neighbors_path: z.string().min(1).optional().describe('fvecs (.ivecs) or npy (int32): the file\'s own nearest-neighbour lists for the test set, 0-based rows, nearest first. HDF5 files carry theirs in `neighbors`.'),
    neighbors_metric: z.enum(['angular', 'euclidean', 'dot']).optional().describe('Metric of the file\'s neighbour lists: angular → vector_cosine, euclidean → vector_l2, dot → vector_inner_product. Default: the HDF5 root attribute `distance`, else angular.'),
    vector_column: z.string().min(1).default('embedding').describe('parquet, csv: the column holding each row\'s vector.'),
    limit: posInt.max(PRODUCTION_MAX_ROWS).optional().describe('Load only the first `limit` rows of the corpus (default: all, at most 1,000,000). Replaces dataset_size, which a file dataset does not take.'),
    label_column: z
      .union([z.string().min(1), z.literal(false)])
      .optional()
      .describe(
        'parquet, csv, hdf5: the column (hdf5: a 1-D root dataset beside `train`) holding each row\'s label — strings or integers, at most 64 characters, none empty. ' +
          'Default: the column `label` when the file has one; false = generate labels (`vector_<id>`) even then. docs/own-data.md.',
      ),
    category_column: z
      .union([z.string().min(1), z.literal(false)])
      .optional()
      .describe(
        'parquet, csv, hdf5: the column holding each row\'s category, which vector_filter filters on and draws its parameter from — strings or integers, at most 64 characters, at most 100 distinct values, none empty. ' +
          'Default: the column `category` when the file has one; false = generate categories (`category_<id mod 10>`) even then.',
      ),
  })
  .strict();

export const configSchema = z
  .object({
    profile: z.string().min(1).default('custom').describe('Free-form profile name, shown in reports.'),
    scale: z
      .enum(['production', 'small'])
      .default('production')
      .describe('`production` enforces 100,000..1,000,000 rows. `small` allows fewer for demos and tests; every report of such a run says it is below production scale.'),
    vector_dims: posInt.max(16_000).default(1024).describe('Dimensions of the generated vectors.'),
    dataset_size: posInt
      .max(PRODUCTION_MAX_ROWS)
      .default(PRODUCTION_MIN_ROWS)
      .describe('Rows of the generated dataset. 100,000..1,000,000 unless `scale: small`.'),
    iterations: posInt.default(1000).describe('Measured executions per query and target in the main timed loop.'),
    warmup: z
      .number()
      .int()
      .nonnegative()
      .default(100)
      .describe('Minimum warmup executions per query and target (never part of any metric). See docs/methodology.md.'),
    warmup_tolerance: z
      .number({ error: 'expected a fraction, e.g. 0.03 for 3%' })
      .gt(0, { error: 'expected a fraction > 0, e.g. 0.03 for 3%' })
      .lt(1, { error: 'expected a fraction < 1, e.g. 0.03 for 3% (not 3)' })
      .default(0.03)
      .describe(
        'Warmup to steady state: after at least `warmup` executions, a query × target is warm when the medians of its last two windows of ' +
          '`warmup_window` latencies differ by at most this fraction (0.03 = 3%).',
      ),
    warmup_window: posInt
      .min(3, { error: 'expected at least 3 latencies per window (a median of fewer is noise)' })
      .max(10_000)
      .default(20)
      .describe('Latencies per window of the steady-state check (see `warmup_tolerance`).'),
    warmup_max_s: z
      .number({ error: 'expected seconds (0 = fixed count of `warmup`)' })
      .nonnegative({ error: 'expected seconds ≥ 0 (0 = fixed count of `warmup`)' })
      .max(3600)
      .default(60)
      .describe(
        'Cap of the whole warmup, in seconds; what is still warming then is reported "did not converge". 0 = no steady-state check: exactly `warmup` executions.',
      ),
    schedule: z
      .enum(['interleaved', 'blocked'])
      .default('interleaved')
      .describe(
        'Order of the timed loop. `interleaved`: every iteration runs all queries, the target order changing with the iteration so that each target leads, and follows each other target, equally often (a Williams design); `blocked`: each query\'s iterations back ' +
          'to back on one target, targets alternated in ABBA blocks so drift still cancels. Same parameters either way.',
      ),
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31 - 1)
      .default(42)
      .describe('Seed of every generated value: data, query vectors, parameters, bootstrap resamples.'),
    distribution: z
      .enum(['uniform', 'clustered'])
      .default('uniform')
      .describe(
        'Shape of the generated vectors: `uniform` (components uniform in [−1, 1], L2-normalised: the worst case for HNSW) or `clustered` (a seeded Gaussian mixture, shaped like real embeddings).',
      ),
    clusters: posInt.max(100_000).default(100).describe('`distribution: clustered` only: number of mixture centres.'),
    cluster_spread: z
      .number()
      .nonnegative()
      .max(10)
      .default(0.6)
      .describe('`distribution: clustered` only: norm of the noise around each centre (0 = every vector on its centre).'),
    min_recall: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Recall@k below which an approximate kNN query on a target gets the verdict LOW RECALL instead of ok; its speed then answers a different question than an exact search.'),
    max_recall_gap: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe(
        'Two paths whose recall@k on one kNN query differs by more than this are "not comparable" on speed wherever that query counts: pairwise tests, gateway overhead and the answer.',
      ),
    k: posInt.max(1000).default(5).describe('k of the kNN queries.'),
    query_vector_pool: posInt
      .max(100_000)
      .default(100)
      .describe('Distinct query vectors, drawn from their own seeded stream; iteration i uses vector i mod pool.'),
    verify_queries: z
      .number()
      .int()
      .nonnegative()
      .max(100_000)
      .default(20)
      .describe(
        'Executions of each query per target in the untimed verification pass of measure (same parameters on every target; kNN results scored against exact ground truth). 0 disables it.',
      ),
    writes: z
      .boolean()
      .default(false)
      .describe(
        'Also measure the `write` category (off by default): insert_one, update_metadata and delete_insert run in the measured loop like the reads. ' +
          'Each stage undoes them afterwards and checks the dataset fingerprint again (docs/writes.md).',
      ),
    bootstrap_resamples: z
      .number()
      .int()
      .min(100)
      .max(100_000)
      .default(1000)
      .describe('Resamples of every bootstrap confidence interval (seeded with `seed`).'),
    gateway_pairs: z
      .array(
        z
          .object({
            gateway: z.string().min(1).describe('Target reached through the gateway.'),
            native: z.string().min(1).describe('The same engine reached natively.'),
          })
          .strict(),
      )
      .default([{ gateway: 'pglite-wire', native: 'pglite' }, { gateway: 'iris-pgwire', native: 'iris-native' }])
      .describe('Gateway-overhead pairs: the same engine through a gateway and natively. Pairs whose targets are not both in the run are ignored.'),
    overhead_budget_ms: z.number().positive().default(5).describe('Budget for the per-query gateway overhead (difference of medians), in ms.'),
    concurrency: z
      .array(posInt.max(256))
      .max(32)
      .default([])
      .describe(
        'Closed-loop concurrency sweep after the main measurement: for each level C, C clients each on their own session run `sweep_requests` requests each (queries in turn), one target at a time. Empty = no sweep.',
      ),
    sweep_requests: posInt.max(1_000_000).default(100).describe('Requests per client per level of the concurrency sweep.'),
    sweep_shard_level_s: z
      .number()
      .positive()
      .max(3600)
      .optional()
      .describe(
        'With `measure --shard i/N --levels-at MS`: the time reserved for each concurrency-sweep level (its clients × sweep_requests back to back must fit in it); ' +
          'the next sharded level starts that long plus a 2 s gap later. A shard still busy then starts it late and says so. Default 10 (docs/shards.md).',
      ),
    client_threads: posInt
      .max(64)
      .default(1)
      .describe(
        'Worker threads that run the load of one target, like pgbench -j: the sessions of each concurrency-sweep level and of the open loop are split over ' +
          'min(client_threads, sessions) threads, each with its own sessions, its share of the schedule and its own clock readings; the raw samples are merged, ' +
          'never averaged. 1 (default) runs everything on the main thread. Applies to targets with concurrent sessions whose engine runs in another process; ' +
          'PGlite and pglite-wire stay on the main thread (their engine is there).',
      ),
    ef_search: z
      .array(posInt.max(1000))
      .max(32)
      .default([])
      .describe(
        'ef_search sweep after the main measurement (empty = off): for each value, the queries an HNSW index serves (vector_cosine, vector_filter) run ' +
          '`ef_search_requests` timed requests per target, plus an untimed recall pass over the same parameters. Unlike `hnsw.ef_search`, these values ' +
          'are set only for the sweep. Targets that cannot set ef_search at query time (IRIS SQL) get one point at their default.',
      ),
    ef_search_requests: posInt.max(1_000_000).default(100).describe('Timed requests per target × swept query × ef_search value.'),
    rate: z
      .union([z.number().positive().max(100_000), z.array(z.number().positive().max(100_000)).max(32)], {
        error: 'expected an offered rate in requests per second (> 0, ≤ 100000) or a list of them, e.g. [50, 100, 200]; [] = off',
      })
      .transform((r) => (Array.isArray(r) ? r : [r]))
      // prefault, not default: the default is then an input value, which the JSON Schema export keeps.
      .prefault([])
      .describe(
        'Open-loop fixed-rate mode after the main measurement (and the concurrency sweep): offered rates in requests per second, one number or a list; ' +
          'empty = off. Every target gets the same seeded arrival schedule; latency counts from each request\'s intended start (coordinated-omission corrected).',
      ),
    rate_arrival: z
      .enum(['uniform', 'poisson'])
      .default('poisson')
      .describe('Arrival process of the open-loop schedule: `uniform` (fixed gaps, as wrk2) or `poisson` (exponential gaps, as pgbench --rate).'),
    rate_duration_s: z
      .number()
      .positive()
      .max(3600)
      .optional()
      .describe('Length of each rate level in seconds (10 when neither this nor `rate_requests` is set); or give `rate_requests` instead (not both).'),
    rate_requests: posInt
      .max(10_000_000)
      .optional()
      .describe('Requests per rate level, instead of a duration (the level then lasts about rate_requests ÷ rate).'),
    rate_sessions: posInt
      .max(256)
      .default(4)
      .describe('Sessions of the open-loop driver per target (max in flight); 1 on targets without concurrent sessions (PGlite).'),
    rate_queries: z.array(z.enum(QUERY_IDS)).min(1).optional().describe('Queries of the open-loop mix, sent round-robin (unset: the whole catalogue).'),
    rate_mix: z
      .record(z.string(), z.number().positive().max(1_000_000))
      .optional()
      .describe(
        'Weighted open-loop mix instead of round-robin: query id → relative weight, e.g. {vector_cosine: 0.8, simple_select_id: 0.2}. Each request\'s query is ' +
          'drawn from a stream seeded by `seed`, precomputed before the level: the same sequence of query ids on every target, level and run. Keys must be ' +
          'queries the run measures (those of `rate_queries` when set, else the catalogue). The report shows each query\'s latency within the mix.',
      ),
    rate_late_ms: z.number().nonnegative().max(60_000).default(1).describe('An open-loop request is `late` when it starts more than this many ms after its intended time.'),
    rate_grace_s: z
      .number()
      .nonnegative()
      .max(3600)
      .default(2)
      .describe('An open-loop request still waiting for a session this many seconds after the level\'s schedule ends is `dropped` (never sent).'),
    slo_p99_ms: z
      .number()
      .positive()
      .max(600_000)
      .default(10)
      .describe('Latency objective of the open-loop verdict: corrected p99 at or below this many ms, no drops, no failures.'),
    vector_param_format: z
      .enum(['binary', 'text'])
      .default('binary')
      .describe('How vector parameters travel to the server: pgvector binary (vector_recv) or text \'[...]\'. IRIS takes text whatever this says.'),
    dataset: datasetFileSchema.optional().describe('Read the corpus, query vectors and (HDF5) neighbour lists from a file instead of the generator; dataset_size, vector_dims, distribution and clusters then come from, or do not apply to, the file. Absent: the seeded generator.'),
    hnsw: hnswSchema.default({ m: 16, ef_construction: 64, ef_search: 40, iterative_scan: 'off' }).describe('The HNSW index: build parameters, and the search settings in force while measuring.'),
    targets: z
      .array(targetEntrySchema)
      .min(1)
      .describe(
        'The paths to measure, in order: target types (`postgres`) and/or named instances (`{name: pg-bouncer, type: postgres, …options}`). ' +
          'Names are unique; several instances of one type compare like any other paths. --targets selects by name.',
      ),
    target_options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Options per target type (for plain `targets` entries) or per instance name (for a named instance whose mapping gives no options inline).'),
    store: z.string().min(1).default('data/bench.sqlite').describe('The SQLite store (relative to the project root). See docs/store.md.'),
    reports_dir: z.string().min(1).default('reports').describe('Directory the reports are written to (reports/<run>/ and reports/latest).'),
  })
  .strict();

/**
 * Rules across fields. Kept out of the zod schema because zod skips refinements once any other
 * field fails, and every problem must be reported in one message: resolveConfig() calls this on
 * the raw merged object whether or not the schema passed, checking types defensively.
 */
/** The hnsw keys' own defaults (an omitted key takes its default; hnswSchema holds them). */
const HNSW_DEFAULTS = hnswSchema.parse({});

export function crossFieldProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const scale = raw.scale ?? 'production';
  const size = raw.dataset_size ?? PRODUCTION_MIN_ROWS;
  const fromFile = raw.dataset !== undefined && raw.dataset !== null;
  if (fromFile) {
    for (const key of ['dataset_size', 'vector_dims'] as const) {
      if (raw[key] !== undefined) problems.push(`${key}: not taken with a file dataset (the file gives it); remove it${key === 'dataset_size' ? ', or set dataset.limit to load fewer rows' : ''}`);
    }
  }
  if (!fromFile && scale === 'production' && typeof size === 'number' && size > 0 && size < PRODUCTION_MIN_ROWS) {
    problems.push(
      `dataset_size: ${size} is below production scale (${PRODUCTION_MIN_ROWS.toLocaleString('en-US')}–` +
        `${PRODUCTION_MAX_ROWS.toLocaleString('en-US')} rows); use a larger dataset or set \`scale: small\` (--scale small) for a demo run`,
    );
  }
  // Duplicate target names: lib/config/target-instances.ts (it knows instance names).
  const k = raw.k ?? 5;
  if (!fromFile && typeof k === 'number' && typeof size === 'number' && k > size) problems.push(`k: ${k} exceeds dataset_size ${size}`);
  // A write in the open loop needs the write vectors in the pool and the undo after the run: both come with `writes`.
  const writesInMix = Array.isArray(raw.rate_queries) ? raw.rate_queries.filter((q) => WRITE_QUERIES.some((w) => w.id === q)) : [];
  if (writesInMix.length && raw.writes !== true) {
    problems.push(`rate_queries: ${writesInMix.join(', ')} ${writesInMix.length === 1 ? 'is a write query' : 'are write queries'}; set writes: true to measure writes (docs/writes.md), or remove ${writesInMix.length === 1 ? 'it' : 'them'}`);
  }
  if (raw.rate_duration_s !== undefined && raw.rate_requests !== undefined) {
    problems.push('rate_duration_s and rate_requests are both set: give one (a level lasts a duration, or issues a number of requests)');
  }
  const hnsw = raw.hnsw as { m?: unknown; ef_construction?: unknown } | undefined;
  const m = hnsw?.m ?? HNSW_DEFAULTS.m;
  const efConstruction = hnsw?.ef_construction ?? HNSW_DEFAULTS.ef_construction;
  if (typeof m === 'number' && typeof efConstruction === 'number' && efConstruction < 2 * m) {
    problems.push(`hnsw.ef_construction: ${efConstruction} is less than 2 × hnsw.m (${m}); pgvector refuses to build such an index: set ef_construction to at least ${2 * m}, or lower m`);
  }
  problems.push(...rateMixProblems(raw));
  return problems;
}

/**
 * rate_mix keys must be queries this run measures in the open loop: those of rate_queries when
 * set, else the catalogue (its write queries only with `writes: true`). Types are checked by the schema; this checks only well-typed input.
 */
const quoteKey = (k: string) => (k.length <= MAX_QUOTED_CHARS ? `"${k}"` : `"${k.slice(0, MAX_QUOTED_CHARS)}…" (${k.length.toLocaleString('en-US')} characters)`);

function rateMixProblems(raw: Record<string, unknown>): string[] {
  const mix = raw.rate_mix;
  if (mix === null || typeof mix !== 'object' || Array.isArray(mix)) return [];
  const keys = Object.keys(mix);
  if (keys.length === 0) return ['rate_mix: empty; give at least one query id with a weight, e.g. {vector_cosine: 0.8, simple_select_id: 0.2}, or remove the key'];
  const fromRateQueries = Array.isArray(raw.rate_queries);
  const writeIds: readonly string[] = WRITE_QUERIES.map((w) => w.id);
  const known: readonly string[] = fromRateQueries ? (raw.rate_queries as unknown[]).map(String) : raw.writes === true ? [...QUERY_IDS, ...writeIds] : QUERY_IDS;
  const writesOff = raw.writes !== true ? keys.filter((k) => writeIds.includes(k)) : [];
  return keys
    .filter((k) => writesOff.includes(k))
    .map((k) => `rate_mix: ${quoteKey(k)} is a write query; set writes: true to measure writes (docs/writes.md), or remove it`)
    .concat(keys.filter((k) => !writesOff.includes(k) && !known.includes(k)).map(
      (k) =>
        `rate_mix: ${quoteKey(k)} is not a query this run measures${fromRateQueries ? ' (rate_queries lists the open loop\'s queries)' : ''}; ` +
        `use one of ${known.join(', ')}`,
    ));
}

export type Config = z.infer<typeof configSchema>;

/** True when reports must carry the below-production-scale notice. */
export function belowProductionScale(c: Pick<Config, 'dataset_size'>): boolean {
  return c.dataset_size < PRODUCTION_MIN_ROWS;
}
