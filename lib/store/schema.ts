/**
 * The store's schema, as ordered migrations applied by PRAGMA user_version.
 *
 * Raw facts only are written by measure (`samples`, one row per request); `aggregates` and
 * `latency_spectrum` are derived and can be dropped and recomputed by the aggregate stage.
 * Times: *_at columns are ISO 8601 UTC text; *_ns integers are nanoseconds.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE stage_executions (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    run_id TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
    exit_code INTEGER,
    error TEXT,
    config_json TEXT NOT NULL
  );
  CREATE TABLE validations (
    execution_id INTEGER NOT NULL REFERENCES stage_executions (id),
    target TEXT NOT NULL,
    database_key TEXT NOT NULL,
    ok INTEGER NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (execution_id, target)
  );
  CREATE TABLE datasets (
    dataset_id TEXT PRIMARY KEY,
    generator TEXT NOT NULL,
    size INTEGER NOT NULL,
    dims INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    vectors_hash TEXT NOT NULL,
    metadata_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE dataset_fingerprints (
    dataset_id TEXT NOT NULL REFERENCES datasets (dataset_id),
    target TEXT NOT NULL,
    database_key TEXT NOT NULL,
    index_spec TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    metadata_count INTEGER NOT NULL,
    vectors_hash TEXT NOT NULL,
    metadata_hash TEXT NOT NULL,
    matches INTEGER NOT NULL,
    load_seconds REAL,
    index_seconds REAL,
    rows_per_second REAL,
    seeded_at TEXT NOT NULL,
    PRIMARY KEY (dataset_id, target)
  );
  CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('warmup', 'measure')),
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    profile TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    targets_json TEXT NOT NULL,
    config_json TEXT NOT NULL,
    environment_json TEXT,
    below_production_scale INTEGER NOT NULL,
    wall_ns INTEGER
  );
  CREATE TABLE samples (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    category TEXT NOT NULL,
    phase TEXT NOT NULL CHECK (phase IN ('warmup', 'measure')),
    iteration INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    elapsed_ns INTEGER NOT NULL,
    row_count INTEGER,
    ok INTEGER NOT NULL,
    error TEXT
  );
  CREATE INDEX samples_run_phase ON samples (run_id, phase);
  CREATE TABLE aggregates (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('query', 'category', 'overall')),
    key TEXT NOT NULL,
    category TEXT NOT NULL,
    count INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    mean_ms REAL,
    p50_ms REAL,
    p95_ms REAL,
    p99_ms REAL,
    min_ms REAL,
    max_ms REAL,
    qps REAL,
    qps_wall REAL,
    PRIMARY KEY (run_id, target, level, key)
  );
  CREATE TABLE latency_spectrum (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    quantile REAL NOT NULL,
    latency_ms REAL NOT NULL,
    PRIMARY KEY (run_id, target, quantile)
  );
  `,
  `
  ALTER TABLE dataset_fingerprints ADD COLUMN table_bytes INTEGER;
  ALTER TABLE dataset_fingerprints ADD COLUMN index_bytes INTEGER;
  `,
  `
  -- Exact top-k of the query-vector pool, computed once per dataset (lib/workload/ground-truth.ts).
  CREATE TABLE ground_truth (
    dataset_id TEXT NOT NULL REFERENCES datasets (dataset_id),
    pool_size INTEGER NOT NULL,
    k INTEGER NOT NULL,
    truth_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (dataset_id, pool_size, k)
  );
  -- One row per (run, target, query, verification iteration): untimed, raw facts of what came back.
  CREATE TABLE verifications (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    iteration INTEGER NOT NULL,
    row_count INTEGER,
    result_hash TEXT,
    recall REAL,
    error TEXT,
    PRIMARY KEY (run_id, target, query_id, iteration)
  );
  -- Derived by aggregate from verifications.
  CREATE TABLE verification_summary (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    checked INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    mismatches INTEGER NOT NULL,
    mean_recall REAL,
    min_recall REAL,
    verdict TEXT NOT NULL,
    PRIMARY KEY (run_id, target, query_id)
  );
  `,
  `
  -- 95% bootstrap intervals beside the point estimates (derived, like the rest of aggregates).
  ALTER TABLE aggregates ADD COLUMN p50_low REAL;
  ALTER TABLE aggregates ADD COLUMN p50_high REAL;
  ALTER TABLE aggregates ADD COLUMN p95_low REAL;
  ALTER TABLE aggregates ADD COLUMN p95_high REAL;
  ALTER TABLE aggregates ADD COLUMN p99_low REAL;
  ALTER TABLE aggregates ADD COLUMN p99_high REAL;
  ALTER TABLE aggregates ADD COLUMN qps_low REAL;
  ALTER TABLE aggregates ADD COLUMN qps_high REAL;
  -- Every pair of targets per query / category / overall (derived).
  CREATE TABLE comparisons (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    level TEXT NOT NULL,
    key TEXT NOT NULL,
    target_a TEXT NOT NULL,
    target_b TEXT NOT NULL,
    p50_ratio REAL,
    ratio_low REAL,
    ratio_high REAL,
    mw_u REAL,
    mw_p REAL,
    verdict TEXT NOT NULL,
    PRIMARY KEY (run_id, level, key, target_a, target_b)
  );
  -- Gateway minus native, per category and overall (derived).
  CREATE TABLE gateway_overhead (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    gateway TEXT NOT NULL,
    native TEXT NOT NULL,
    key TEXT NOT NULL,
    overhead_ms REAL,
    low_ms REAL,
    high_ms REAL,
    budget_ms REAL NOT NULL,
    verdict TEXT NOT NULL,
    PRIMARY KEY (run_id, gateway, native, key)
  );
  `,
  `
  -- Noise flags per target × query (derived): a wide p50 interval, or drift across the run.
  CREATE TABLE noise_flags (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wide interval', 'drift')),
    detail TEXT NOT NULL,
    PRIMARY KEY (run_id, target, query_id, kind)
  );
  `,
  `
  -- 'interrupted' (SIGINT/SIGTERM) for runs and stage executions: SQLite cannot alter a CHECK
  -- constraint, so both tables are rebuilt (openStore turns foreign keys off while migrating).
  CREATE TABLE runs_v6 (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('warmup', 'measure')),
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    profile TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    targets_json TEXT NOT NULL,
    config_json TEXT NOT NULL,
    environment_json TEXT,
    below_production_scale INTEGER NOT NULL,
    wall_ns INTEGER
  );
  INSERT INTO runs_v6 SELECT run_id, kind, status, error, created_at, finished_at, profile, dataset_id, seed, targets_json,
    config_json, environment_json, below_production_scale, wall_ns FROM runs;
  DROP TABLE runs;
  ALTER TABLE runs_v6 RENAME TO runs;
  CREATE TABLE stage_executions_v6 (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    run_id TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    exit_code INTEGER,
    error TEXT,
    config_json TEXT NOT NULL
  );
  INSERT INTO stage_executions_v6 SELECT id, stage, run_id, started_at, finished_at, status, exit_code, error, config_json FROM stage_executions;
  DROP TABLE stage_executions;
  ALTER TABLE stage_executions_v6 RENAME TO stage_executions;
  `,
  `
  -- Closed-loop concurrency sweep: raw samples and the wall time of each level (raw facts).
  CREATE TABLE sweep_samples (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    client INTEGER NOT NULL,
    query_id TEXT NOT NULL,
    category TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    elapsed_ns INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT
  );
  CREATE INDEX sweep_samples_run ON sweep_samples (run_id);
  CREATE TABLE sweep_levels (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    wall_ns INTEGER NOT NULL,
    concurrent_sessions INTEGER NOT NULL,
    PRIMARY KEY (run_id, target, concurrency)
  );
  -- Derived by aggregate.
  CREATE TABLE sweep_aggregates (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    concurrency INTEGER NOT NULL,
    scope TEXT NOT NULL,
    count INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    p50_ms REAL,
    p99_ms REAL,
    qps_wall REAL,
    concurrent_sessions INTEGER NOT NULL,
    PRIMARY KEY (run_id, target, concurrency, scope)
  );
  `,
  `
  -- Servers pathbench started itself at provision (not running before): an interrupted stage
  -- stops exactly these. No secrets: port and data directory, or a compose service name.
  CREATE TABLE started_servers (
    id INTEGER PRIMARY KEY,
    execution_id INTEGER NOT NULL REFERENCES stage_executions (id),
    target TEXT NOT NULL,
    server_json TEXT NOT NULL,
    started_at TEXT NOT NULL,
    stopped_at TEXT,
    stop_error TEXT
  );
  `,
  `
  -- ef_search sweep: raw samples of the timed requests, each (target, ef, query) block's wall time,
  -- and the untimed recall pass (raw facts). ef_search NULL = the engine's default (not tunable).
  CREATE TABLE ef_search_samples (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    ef_search INTEGER,
    query_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    elapsed_ns INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT
  );
  CREATE INDEX ef_search_samples_run ON ef_search_samples (run_id);
  CREATE TABLE ef_search_blocks (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    ef_search INTEGER,
    query_id TEXT NOT NULL,
    requests INTEGER NOT NULL,
    wall_ns INTEGER NOT NULL,
    ef_tunable INTEGER NOT NULL
  );
  CREATE INDEX ef_search_blocks_run ON ef_search_blocks (run_id);
  CREATE TABLE ef_search_recalls (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    ef_search INTEGER,
    query_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    recall REAL,
    error TEXT
  );
  CREATE INDEX ef_search_recalls_run ON ef_search_recalls (run_id);
  -- Derived by aggregate: one point per target × query × ef, and figures at matched recall.
  CREATE TABLE ef_search_points (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    ef_search INTEGER,
    ef_tunable INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    recall_n INTEGER NOT NULL,
    recall_mean REAL,
    recall_min REAL,
    p50_ms REAL,
    p99_ms REAL,
    qps REAL,
    on_frontier INTEGER NOT NULL
  );
  CREATE INDEX ef_search_points_run ON ef_search_points (run_id);
  CREATE TABLE ef_search_matched (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    recall_level REAL NOT NULL,
    qps REAL,
    p99_ms REAL,
    status TEXT NOT NULL,
    low_ef INTEGER,
    high_ef INTEGER,
    PRIMARY KEY (run_id, target, query_id, recall_level)
  );
  `,
  `
  -- Open-loop fixed-rate mode: every scheduled request (raw; start/end NULL when not sent) and
  -- each level's facts (lib/store/open-loop.ts).
  CREATE TABLE open_loop_samples (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    offered_rate REAL NOT NULL,
    seq INTEGER NOT NULL,
    session INTEGER,
    query_id TEXT NOT NULL,
    category TEXT NOT NULL,
    intended_ns INTEGER NOT NULL,
    start_ns INTEGER,
    end_ns INTEGER,
    queued INTEGER NOT NULL,
    late INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    ok INTEGER,
    error TEXT,
    PRIMARY KEY (run_id, target, offered_rate, seq)
  );
  CREATE TABLE open_loop_levels (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    offered_rate REAL NOT NULL,
    arrival TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    concurrent_sessions INTEGER NOT NULL,
    scheduled INTEGER NOT NULL,
    span_ns INTEGER NOT NULL,
    wall_ns INTEGER NOT NULL,
    late_threshold_ns INTEGER NOT NULL,
    drop_after_ns INTEGER NOT NULL,
    max_queue INTEGER NOT NULL,
    PRIMARY KEY (run_id, target, offered_rate)
  );
  -- Derived by aggregate.
  CREATE TABLE open_loop_aggregates (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    offered_rate REAL NOT NULL,
    scope TEXT NOT NULL,
    scheduled INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    late INTEGER NOT NULL,
    dropped INTEGER NOT NULL,
    achieved_rate REAL,
    p50_ms REAL,
    p99_ms REAL,
    service_p50_ms REAL,
    service_p99_ms REAL,
    sessions INTEGER NOT NULL,
    concurrent_sessions INTEGER NOT NULL,
    PRIMARY KEY (run_id, target, offered_rate, scope)
  );
  CREATE TABLE open_loop_verdicts (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    scope TEXT NOT NULL,
    slo_p99_ms REAL NOT NULL,
    sustained_rate REAL,
    detail TEXT NOT NULL,
    PRIMARY KEY (run_id, target, scope)
  );
  `,
  `
  -- Per-second stability of the main measurement (derived by aggregate, lib/stats/time-series.ts):
  -- one row per target × scope (category or 'all') × bucket width (1 s, and the chart's width for
  -- long runs); the buckets 0, 1, … are JSON arrays (see lib/store/time-series.ts for why).
  CREATE TABLE time_series (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    scope TEXT NOT NULL,
    width_s REAL NOT NULL,
    buckets INTEGER NOT NULL,
    last_covered_s REAL NOT NULL,
    count_json TEXT NOT NULL,
    failed_json TEXT NOT NULL,
    qps_json TEXT NOT NULL,
    p50_json TEXT NOT NULL,
    p99_json TEXT NOT NULL,
    PRIMARY KEY (run_id, target, scope, width_s)
  );
  `,
  `
  -- The plan each measured query ran with (raw fact, captured untimed by measure;
  -- lib/store/query-plans.ts): scope 'measure' (ef_search NULL) or 'ef_search' (NULL = the
  -- engine's default on a target that cannot set it). The access columns are read off the plan.
  CREATE TABLE query_plans (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('measure', 'ef_search')),
    query_id TEXT NOT NULL,
    ef_search INTEGER,
    format TEXT NOT NULL,
    plan TEXT,
    index_methods TEXT,
    vector_order TEXT NOT NULL CHECK (vector_order IN ('index', 'sort', 'none', 'unknown')),
    access TEXT NOT NULL,
    error TEXT
  );
  CREATE UNIQUE INDEX query_plans_key ON query_plans (run_id, target, scope, query_id, coalesce(ef_search, -1));
  -- Derived by aggregate from query_plans: how each ef_search point's ordering was served.
  ALTER TABLE ef_search_points ADD COLUMN vector_order TEXT;
  ALTER TABLE ef_search_points ADD COLUMN access TEXT;
  `,
  `
  -- Client-bottleneck guard per load level (raw facts written by measure; lib/store/level-client-load.ts):
  -- the measuring process's CPU (cores) and event-loop delay during each concurrency-sweep level
  -- and each open-loop rate level. NULL = not recorded (levels measured before this migration).
  ALTER TABLE sweep_levels ADD COLUMN client_cpu_cores REAL;
  ALTER TABLE sweep_levels ADD COLUMN client_loop_delay_p50_ms REAL;
  ALTER TABLE sweep_levels ADD COLUMN client_loop_delay_p99_ms REAL;
  ALTER TABLE sweep_levels ADD COLUMN client_loop_delay_max_ms REAL;
  ALTER TABLE sweep_levels ADD COLUMN client_loop_samples INTEGER;
  ALTER TABLE sweep_levels ADD COLUMN client_wall_s REAL;
  ALTER TABLE sweep_levels ADD COLUMN client_in_process INTEGER;
  ALTER TABLE open_loop_levels ADD COLUMN client_cpu_cores REAL;
  ALTER TABLE open_loop_levels ADD COLUMN client_loop_delay_p50_ms REAL;
  ALTER TABLE open_loop_levels ADD COLUMN client_loop_delay_p99_ms REAL;
  ALTER TABLE open_loop_levels ADD COLUMN client_loop_delay_max_ms REAL;
  ALTER TABLE open_loop_levels ADD COLUMN client_loop_samples INTEGER;
  ALTER TABLE open_loop_levels ADD COLUMN client_wall_s REAL;
  ALTER TABLE open_loop_levels ADD COLUMN client_in_process INTEGER;
  -- Derived by aggregate from open_loop_samples: the wait before each sent request started.
  ALTER TABLE open_loop_aggregates ADD COLUMN queued INTEGER;
  ALTER TABLE open_loop_aggregates ADD COLUMN queue_wait_mean_ms REAL;
  ALTER TABLE open_loop_aggregates ADD COLUMN queue_wait_p99_ms REAL;
  ALTER TABLE open_loop_aggregates ADD COLUMN queue_wait_max_ms REAL;
  `,
  `
  -- Measured queries a path cannot run (raw fact, written by the query probe of measure and of the
  -- warmup stage; lib/store/unsupported-queries.ts): the target declared the query (capability
  -- unsupportedQueries, with \`reason\`) and its one untimed execution failed with \`error\`. Such a
  -- query has no samples on that target in that run and is left out of every comparison.
  CREATE TABLE unsupported_queries (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    error TEXT NOT NULL,
    PRIMARY KEY (run_id, target, query_id)
  );
  `,
  `
  -- Warmup to steady state per query × target (raw fact, written by measure after its session
  -- warmup and by the warmup stage; lib/store/warmup-convergence.ts). converged 0 = stopped by
  -- the warmup_max_s cap (stopped_by 'cap') or a failure (stopped_by = its error). Runs from
  -- before this migration have no rows: "not recorded".
  CREATE TABLE warmup_convergence (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    iterations INTEGER NOT NULL,
    wall_s REAL NOT NULL,
    converged INTEGER NOT NULL CHECK (converged IN (0, 1)),
    last_change REAL,
    stopped_by TEXT,
    PRIMARY KEY (run_id, target, query_id)
  );
  `,
  `
  -- 'abandoned' for runs and stage executions: a stage killed with SIGKILL (or a crashed host)
  -- leaves its row at 'running'; the next stage on the store marks it abandoned when its pid is
  -- gone on this host (lib/store/abandoned.ts). Executions now record pid and host for that check
  -- (NULL for older rows: never marked). Tables rebuilt, as for 'interrupted'.
  CREATE TABLE runs_v_abandoned (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('warmup', 'measure')),
    status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted', 'abandoned')),
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    profile TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    seed INTEGER NOT NULL,
    targets_json TEXT NOT NULL,
    config_json TEXT NOT NULL,
    environment_json TEXT,
    below_production_scale INTEGER NOT NULL,
    wall_ns INTEGER
  );
  INSERT INTO runs_v_abandoned SELECT run_id, kind, status, error, created_at, finished_at, profile, dataset_id, seed, targets_json,
    config_json, environment_json, below_production_scale, wall_ns FROM runs;
  DROP TABLE runs;
  ALTER TABLE runs_v_abandoned RENAME TO runs;
  CREATE TABLE stage_executions_v_abandoned (
    id INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    run_id TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted', 'abandoned')),
    exit_code INTEGER,
    error TEXT,
    config_json TEXT NOT NULL,
    pid INTEGER,
    host TEXT
  );
  INSERT INTO stage_executions_v_abandoned SELECT id, stage, run_id, started_at, finished_at, status, exit_code, error, config_json, NULL, NULL FROM stage_executions;
  DROP TABLE stage_executions;
  ALTER TABLE stage_executions_v_abandoned RENAME TO stage_executions;
  `,
  `
  -- Named target instances (issue 16): each run's instance names with their target type, in
  -- \`targets\` order (ordinal). \`target\` is the id every other table uses. Runs from before
  -- instances existed listed types only: each name is its own type (backfilled from targets_json).
  CREATE TABLE run_targets (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    type TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    PRIMARY KEY (run_id, target)
  );
  INSERT OR IGNORE INTO run_targets (run_id, target, type, ordinal)
    SELECT runs.run_id, j.value, j.value, j.key FROM runs, json_each(runs.targets_json) AS j WHERE json_valid(runs.targets_json) AND j.type = 'text';
  `,
  `
  -- Garbage-collection pauses of the measuring process during the measured phase (raw fact,
  -- written by measure after the phase; lib/measure/gc-watch.ts). start_ns counts from the same
  -- origin as samples.start_ns of the run's measure phase. Runs from before this table have no
  -- rows: reports then say nothing about GC ("not recorded").
  CREATE TABLE gc_pauses (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    phase TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    duration_ns INTEGER NOT NULL,
    kind TEXT NOT NULL
  );
  CREATE INDEX gc_pauses_run ON gc_pauses (run_id, phase, start_ns);
  `,
  `
  -- The client's measured capacity per target (issue 15): a bare loop of the dialect's trivial
  -- statement at the start of measure, for runs with a concurrency sweep or an open loop
  -- (lib/measure/client-capacity.ts). per_thread_rps = requests ÷ CPU seconds of the loop; threads =
  -- the client threads the target's levels could use. Runs from before this table have no rows:
  -- reports say "not recorded".
  CREATE TABLE client_capacity (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    statement TEXT NOT NULL,
    threads INTEGER NOT NULL,
    in_process INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    wall_ns INTEGER NOT NULL,
    cpu_ns INTEGER NOT NULL,
    per_thread_rps REAL NOT NULL,
    wall_rps REAL NOT NULL,
    PRIMARY KEY (run_id, target)
  );
  `,
  `
  -- Shards across hosts (issue 15, docs/shards.md): a run measured by N processes, each with
  -- \`measure --shard i/N --start-at <epoch ms>\` in its own store, merged by \`make merge\`
  -- (lib/pipeline/merge.ts). One row per shard (a shard's own store holds its row; the merged
  -- store holds all N). Raw facts, written by measure: config_fingerprint and dataset_fingerprint
  -- are what merge checks; origin_epoch_ms is the host clock when the shard's timed loop started
  -- (its samples' start_ns count from there); clock_offset_*_ms = database clock − host clock at
  -- the midpoint of a \`server_clock\` round trip on clock_target (rtt = its uncertainty), at the
  -- start and at the end of the shard. source_store: the shard's store file, set by merge.
  -- Runs without rows were not sharded.
  CREATE TABLE run_shards (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    shard INTEGER NOT NULL,
    shards INTEGER NOT NULL,
    start_at_ms INTEGER NOT NULL,
    host TEXT NOT NULL,
    config_fingerprint TEXT NOT NULL,
    dataset_fingerprint TEXT NOT NULL,
    origin_epoch_ms REAL,
    clock_target TEXT,
    clock_offset_start_ms REAL,
    clock_rtt_start_ms REAL,
    clock_offset_end_ms REAL,
    clock_rtt_end_ms REAL,
    source_store TEXT,
    PRIMARY KEY (run_id, shard)
  );
  `,
  `
  -- Machine drift (lib/stats/noise.ts): a drift that the machine's own speed, timed by a fixed CPU
  -- probe between requests (lib/measure/speed-probe.ts, environment.machine_speed), explains.
  -- SQLite cannot widen a CHECK in place: the table is rebuilt with its rows.
  CREATE TABLE noise_flags_new (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    target TEXT NOT NULL,
    query_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('wide interval', 'drift', 'machine drift')),
    detail TEXT NOT NULL,
    PRIMARY KEY (run_id, target, query_id, kind)
  );
  INSERT INTO noise_flags_new SELECT run_id, target, query_id, kind, detail FROM noise_flags;
  DROP TABLE noise_flags;
  ALTER TABLE noise_flags_new RENAME TO noise_flags;
  `,
  `
  -- Sharded load levels (docs/shards.md): one row per shard × open-loop level it ran. planned_at_ms
  -- is the level's shared instant (epoch ms, from --levels-at and the config: every shard computes
  -- the same), late_ms how far past it this shard's host clock was when its dispatcher was ready
  -- (its requests still count from the planned instant, so lateness shows in their latency too).
  -- Raw facts, per shard; a merged store holds every shard's rows.
  CREATE TABLE shard_levels (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    shard INTEGER NOT NULL,
    phase TEXT NOT NULL,
    target TEXT NOT NULL,
    level REAL NOT NULL,
    planned_at_ms INTEGER NOT NULL,
    late_ms REAL NOT NULL,
    PRIMARY KEY (run_id, shard, phase, target, level)
  );
  `,
  `
  -- A category's or all queries' comparison made query by query (lib/stats/bootstrap.ts
  -- scopeOfMediansCI; derived): how many queries it covers, the geometric mean of their p50 ratios
  -- a/b and the mean of their p50 differences a − b (ms), each with its 95% CI. Null on query rows,
  -- on scopes of one query, and on runs aggregated before this existed.
  ALTER TABLE comparisons ADD COLUMN scope_queries INTEGER;
  ALTER TABLE comparisons ADD COLUMN geomean_ratio REAL;
  ALTER TABLE comparisons ADD COLUMN geomean_low REAL;
  ALTER TABLE comparisons ADD COLUMN geomean_high REAL;
  ALTER TABLE comparisons ADD COLUMN mean_diff_ms REAL;
  ALTER TABLE comparisons ADD COLUMN mean_diff_low REAL;
  ALTER TABLE comparisons ADD COLUMN mean_diff_high REAL;
  `,
  `
  -- The comparison made from per-iteration pairs (lib/stats/paired-by-iteration.ts,
  -- lib/stats/bootstrap.ts pairedScopeCI; derived): both paths ran iteration i with the same
  -- parameters, back to back when interleaved. pairs: how many iterations both completed (summed
  -- over a scope's queries). paired_ratio: the median of the per-iteration ratios a/b (a scope: the
  -- geometric mean of its queries' medians); paired_diff_ms: the median of the differences a − b
  -- (a scope: the mean of its queries' medians); each with its 95% CI. sign_p: the exact two-sided
  -- sign test against 1 of the ratios of the order with more pairs (query rows only). Null on runs aggregated before this existed.
  -- Pairs are compared within each order (a first, b first) and the two orders averaged; order_effect
  -- (query rows with both orders): √(median ratio with a first ÷ with b first), with its 95% CI —
  -- > 1 when the second request of an iteration ran faster than the first would have.
  ALTER TABLE comparisons ADD COLUMN pairs INTEGER;
  ALTER TABLE comparisons ADD COLUMN paired_ratio REAL;
  ALTER TABLE comparisons ADD COLUMN paired_low REAL;
  ALTER TABLE comparisons ADD COLUMN paired_high REAL;
  ALTER TABLE comparisons ADD COLUMN paired_diff_ms REAL;
  ALTER TABLE comparisons ADD COLUMN paired_diff_low REAL;
  ALTER TABLE comparisons ADD COLUMN paired_diff_high REAL;
  ALTER TABLE comparisons ADD COLUMN sign_p REAL;
  ALTER TABLE comparisons ADD COLUMN order_effect REAL;
  ALTER TABLE comparisons ADD COLUMN order_low REAL;
  ALTER TABLE comparisons ADD COLUMN order_high REAL;
  -- The gateway overhead from the same pairs (gateway − native): the mean over the scope's queries
  -- of each query's median per-iteration difference, ms, with its 95% CI; when present, the budget
  -- verdict is judged on it instead of on the pooled median difference (overhead_ms).
  ALTER TABLE gateway_overhead ADD COLUMN paired_ms REAL;
  ALTER TABLE gateway_overhead ADD COLUMN paired_low_ms REAL;
  ALTER TABLE gateway_overhead ADD COLUMN paired_high_ms REAL;
  `,
];
