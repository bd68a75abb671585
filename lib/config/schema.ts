import { z } from 'zod';
import { quoteValue } from './quote.js';
import { QUERY_IDS } from '../workload/queries.js';

/**
 * The resolved configuration of a benchmark run: one YAML profile (config/*.yaml) with CLI
 * flags laid over it. Validated once, at the stage boundary; everything downstream trusts it.
 * Keys are snake_case, as in the YAML files.
 */
export const PRODUCTION_MIN_ROWS = 100_000;
export const PRODUCTION_MAX_ROWS = 1_000_000;

const posInt = z.number().int().positive();

export const hnswSchema = z
  .object({
    m: posInt.max(100).default(16),
    ef_construction: posInt.max(1000).default(64),
    /** pgvector `hnsw.ef_search` in force while measuring (1..1000). */
    ef_search: posInt.max(1000).default(40),
    /**
     * pgvector ≥ 0.8 `hnsw.iterative_scan` in force while measuring: `off` (pgvector's default)
     * filters only the ef_search candidates, so a filtered kNN (vector_filter, one category in 10)
     * finds about ef_search/10 matching rows and misses neighbours; `strict_order` keeps scanning
     * until k rows pass the filter, in exact distance order; `relaxed_order` may return them
     * slightly out of order. IRIS targets echo it (no such setting).
     */
    iterative_scan: z.enum(['off', 'strict_order', 'relaxed_order']).default('off'),
  })
  .strict();

export const configSchema = z
  .object({
    /** Free-form profile name, shown in reports. */
    profile: z.string().min(1).default('custom'),
    /**
     * `production` enforces 100,000..1,000,000 rows. `small` allows fewer for demos and tests;
     * every report of such a run says it is below production scale.
     */
    scale: z.enum(['production', 'small']).default('production'),
    vector_dims: posInt.max(16_000).default(1024),
    dataset_size: posInt.max(PRODUCTION_MAX_ROWS).default(PRODUCTION_MIN_ROWS),
    iterations: posInt.default(1000),
    /** Warmup executions per query template, per target (never part of any metric). */
    warmup: z.number().int().nonnegative().default(100),
    /**
     * Warmup to steady state (lib/measure/steady-warmup.ts): after at least `warmup` executions, a
     * query × target is warm when the medians of its last two windows of `warmup_window`
     * latencies differ by at most `warmup_tolerance` (a fraction: 0.03 = 3%); `warmup_max_s` caps
     * the whole warmup (what is still warming then is reported "did not converge"). 0 = no check:
     * exactly `warmup` executions, as before these fields existed.
     */
    warmup_tolerance: z.number({ error: 'expected a fraction, e.g. 0.03 for 3%' }).gt(0, { error: 'expected a fraction > 0, e.g. 0.03 for 3%' }).lt(1, { error: 'expected a fraction < 1, e.g. 0.03 for 3% (not 3)' }).default(0.03),
    warmup_window: posInt.min(3, { error: 'expected at least 3 latencies per window (a median of fewer is noise)' }).max(10_000).default(20),
    warmup_max_s: z.number({ error: 'expected seconds (0 = fixed count of `warmup`)' }).nonnegative({ error: 'expected seconds ≥ 0 (0 = fixed count of `warmup`)' }).max(3600).default(60),
    /**
     * Order of the timed loop (lib/measure/schedule.ts): `interleaved` — every iteration runs all
     * queries, rotating the target order; `blocked` — each query's iterations back to back on one
     * target, targets alternated in ABBA blocks so drift still cancels. Same parameters either way.
     */
    schedule: z.enum(['interleaved', 'blocked']).default('interleaved'),
    seed: z.number().int().nonnegative().max(2 ** 31 - 1).default(42),
    /** Shape of the generated vectors (see lib/workload/generator.ts). */
    distribution: z.enum(['uniform', 'clustered']).default('uniform'),
    /** clustered only: number of mixture centres and the noise norm around each (0 = all on the centre). */
    clusters: posInt.max(100_000).default(100),
    cluster_spread: z.number().nonnegative().max(10).default(0.6),
    /**
     * Recall@k below which an approximate kNN query on a target gets the verdict LOW RECALL
     * instead of ok (0..1). Its speed then answers a different question than an exact search.
     */
    min_recall: z.number().min(0).max(1).default(0.9),
    /**
     * Two paths whose recall@k on one kNN query differs by more than this are "not comparable" on
     * speed wherever that query counts: pairwise tests, gateway overhead and the answer.
     */
    max_recall_gap: z.number().min(0).max(1).default(0.05),
    /** k of the kNN queries. */
    k: posInt.max(1000).default(5),
    /** Distinct query vectors, drawn from their own seeded stream; iteration i uses vector i mod pool. */
    query_vector_pool: posInt.max(100_000).default(100),
    /**
     * Verification pass of measure (untimed): each query runs this many times on every target with
     * the same parameters, kNN results are scored against exact ground truth. 0 disables it.
     */
    verify_queries: z.number().int().nonnegative().max(100_000).default(20),
    /** Resamples of every bootstrap confidence interval (seeded with `seed`). */
    bootstrap_resamples: z.number().int().min(100).max(100_000).default(1000),
    /**
     * Gateway-overhead pairs: the same engine through a gateway and natively. Pairs whose targets
     * are not both in the run are ignored.
     */
    gateway_pairs: z
      .array(z.object({ gateway: z.string().min(1), native: z.string().min(1) }).strict())
      .default([{ gateway: 'pglite-wire', native: 'pglite' }, { gateway: 'iris-pgwire', native: 'iris-native' }]),
    /** Budget for the per-query gateway overhead (difference of medians), in ms. */
    overhead_budget_ms: z.number().positive().default(5),
    /**
     * Closed-loop concurrency sweep after the main measurement: for each level C, C clients each on
     * their own session run `sweep_requests` requests each (queries in turn), one target at a time.
     * Empty = no sweep.
     */
    concurrency: z.array(posInt.max(256)).max(32).default([]),
    sweep_requests: posInt.max(1_000_000).default(100),
    client_threads: posInt
      .max(64)
      .default(1)
      .describe(
        'Worker threads that run the load of one target, like pgbench -j: the sessions of each concurrency-sweep level and of the open loop are split over ' +
          'min(client_threads, sessions) threads, each with its own sessions, its share of the schedule and its own clock readings; the raw samples are merged, ' +
          'never averaged. 1 (default) runs everything on the main thread. Applies to targets with concurrent sessions whose engine runs in another process; ' +
          'PGlite and pglite-wire stay on the main thread (their engine is there).',
      ),
    /**
     * ef_search sweep after the main measurement (empty = off): for each value, the queries an HNSW
     * index serves (vector_cosine and vector_filter — both ORDER BY cosine distance, the index's
     * opclass; vector_l2 and vector_inner_product are exact scans and are not swept) run
     * `ef_search_requests` timed requests each per target, plus an untimed recall pass over the
     * same parameters. Unlike `hnsw.ef_search` — the one value in force during the main
     * measurement, restored after the sweep — these values are set one after another only for the
     * sweep. Targets that cannot set ef_search at query time (IRIS SQL) get one point at their default.
     */
    ef_search: z.array(posInt.max(1000)).max(32).default([]),
    ef_search_requests: posInt.max(1_000_000).default(100),
    /**
     * Open-loop fixed-rate mode after the main measurement (and the concurrency sweep): for each
     * offered rate (requests per second; one number or a list; empty = off) every target gets the
     * same seeded arrival schedule, each request is sent at its intended time onto a free session
     * (or waits in a queue), and latency is counted from the intended time (coordinated-omission
     * corrected). See lib/measure/open-loop.ts for the exact contract.
     */
    rate: z
      .union([z.number().positive().max(100_000), z.array(z.number().positive().max(100_000)).max(32)], {
        error: 'expected an offered rate in requests per second (> 0, ≤ 100000) or a list of them, e.g. [50, 100, 200]; [] = off',
      })
      .transform((r) => (Array.isArray(r) ? r : [r]))
      .default([]),
    /** Arrival process of the schedule: `uniform` (fixed gaps, as wrk2) or `poisson` (exponential gaps, as pgbench --rate). */
    rate_arrival: z.enum(['uniform', 'poisson']).default('poisson'),
    /** Length of each rate level in seconds (default 10); or give `rate_requests` instead (not both). */
    rate_duration_s: z.number().positive().max(3600).optional(),
    /** Requests per rate level, instead of a duration (the level then lasts about rate_requests ÷ rate). */
    rate_requests: posInt.max(10_000_000).optional(),
    /** Sessions of the open-loop driver per target (max in flight); 1 on targets without concurrent sessions (PGlite). */
    rate_sessions: posInt.max(256).default(4),
    /** Queries of the open-loop mix, sent round-robin (default: the whole catalogue). */
    rate_queries: z.array(z.enum(QUERY_IDS)).min(1).optional(),
    /** A request is `late` when it starts more than this many ms after its intended time. */
    rate_late_ms: z.number().nonnegative().max(60_000).default(1),
    /**
     * A request still waiting for a session this many seconds after the level's schedule ends is
     * `dropped` (never sent): it bounds an overloaded level to its duration plus this grace.
     */
    rate_grace_s: z.number().nonnegative().max(3600).default(2),
    /** Latency objective of the open-loop verdict: corrected p99 at or below this many ms, no drops, no failures. */
    slo_p99_ms: z.number().positive().max(600_000).default(10),
    /** How vector parameters travel to the server: pgvector binary (vector_recv) or text '[...]'. */
    vector_param_format: z.enum(['binary', 'text']).default('binary'),
    hnsw: hnswSchema.default({ m: 16, ef_construction: 64, ef_search: 40, iterative_scan: 'off' }),
    targets: z.array(z.string().min(1)).min(1),
    /** Per-target settings, validated by each target's own schema (see lib/targets/registry.ts). */
    target_options: z.record(z.string(), z.unknown()).default({}),
    store: z.string().min(1).default('data/bench.sqlite'),
    reports_dir: z.string().min(1).default('reports'),
  })
  .strict();

/**
 * Rules across fields. Kept out of the zod schema because zod skips refinements once any other
 * field fails, and every problem must be reported in one message: resolveConfig() calls this on
 * the raw merged object whether or not the schema passed, checking types defensively.
 */
export function crossFieldProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const scale = raw.scale ?? 'production';
  const size = raw.dataset_size ?? PRODUCTION_MIN_ROWS;
  if (scale === 'production' && typeof size === 'number' && size > 0 && size < PRODUCTION_MIN_ROWS) {
    problems.push(
      `dataset_size: ${size} is below production scale (${PRODUCTION_MIN_ROWS.toLocaleString('en-US')}–` +
        `${PRODUCTION_MAX_ROWS.toLocaleString('en-US')} rows); use a larger dataset or set \`scale: small\` (--scale small) for a demo run`,
    );
  }
  if (Array.isArray(raw.targets)) {
    const seen = new Set<unknown>();
    for (const t of raw.targets) {
      if (seen.has(t)) problems.push(`targets: ${quoteValue(t)} is listed twice`);
      seen.add(t);
    }
  }
  const k = raw.k ?? 5;
  if (typeof k === 'number' && typeof size === 'number' && k > size) problems.push(`k: ${k} exceeds dataset_size ${size}`);
  if (raw.rate_duration_s !== undefined && raw.rate_requests !== undefined) {
    problems.push('rate_duration_s and rate_requests are both set: give one (a level lasts a duration, or issues a number of requests)');
  }
  return problems;
}

export type Config = z.infer<typeof configSchema>;

/** True when reports must carry the below-production-scale notice. */
export function belowProductionScale(c: Pick<Config, 'dataset_size'>): boolean {
  return c.dataset_size < PRODUCTION_MIN_ROWS;
}
