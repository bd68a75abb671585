/**
 * A synthetic but complete measurement run, written through the project's own store API
 * (lib/store/*) exactly as the stages would leave it: stage executions provision → measure,
 * validations, the dataset and its fingerprints, a warmup run, the measurement run (redacted
 * config, environment, session-warmup and measured samples written in batches, verifications,
 * a concurrency sweep, an ef_search sweep and open-loop rate levels when the config has them),
 * finished `complete`. Used by
 * `make bench-offline` (1,000,000 samples) and by tests (a few thousand).
 *
 * Latencies are log-normal with a median per target × query (below), so percentiles, intervals
 * and comparisons have realistic work to do; a few requests fail with a stored error text.
 * Everything is seeded: the same options write the same samples.
 */
import { withoutTrivialTypes } from '../lib/config/target-instances.js';
import type { ResolvedConfig } from '../lib/config/load.js';
import { redact } from '../lib/config/redact.js';
import { clientEnvironment } from '../lib/env/fingerprint.js';
import { datasetIdOf, indexSpecOf } from '../lib/pipeline/dataset.js';
import { upsertDataset, writeFingerprint } from '../lib/store/datasets.js';
import { createRun, finishRun, newRunId, setRunEnvironment } from '../lib/store/runs.js';
import { writeSamples, type SampleRow } from '../lib/store/samples.js';
import type { SqliteDb } from '../lib/store/sqlite.js';
import { attachRun, finishExecution, startExecution } from '../lib/store/stage-log.js';
import { writeSweepLevel, type SweepSampleRow } from '../lib/store/sweep.js';
import { writeEfSearchBlock, type EfSearchRecallRow, type EfSearchSampleRow } from '../lib/store/ef-search.js';
import { writeOpenLoopLevel, type OpenLoopSampleRow } from '../lib/store/open-loop.js';
import { levelClientLoadColumns } from '../lib/store/level-client-load.js';
import type { ClientLoad } from '../lib/measure/client-load.js';
import { ANN_QUERIES } from '../lib/workload/ann-queries.js';
import { writeValidations } from '../lib/store/validations.js';
import { writeVerifications, type VerificationRow } from '../lib/store/verifications.js';
import { SeededStream } from '../lib/workload/prng.js';
import { QUERIES } from '../lib/workload/queries.js';
import { balancedOrder } from '../lib/measure/schedule.js';

/** Median latency (ms) per query on PostgreSQL; the embedded paths are slower by FACTOR. */
const MEDIAN_MS: Record<string, number> = {
  simple_select_all: 0.45, simple_select_id: 0.3, simple_count: 0.9,
  vector_cosine: 2.5, vector_l2: 18, vector_inner_product: 22, join: 1.6, vector_filter: 4,
};
const FACTOR: Record<string, number> = { postgres: 1, pglite: 2.1, 'pglite-wire': 2.3 };
/** Log-normal shape: σ of ln(latency). */
const SIGMA = 0.35;
/** Client time between two requests (ns), as the measure loop leaves it. */
const GAP_NS = 25_000;
/** One request in FAIL_EVERY fails (seeded), with an error text as a driver would give. */
const FAIL_EVERY = 20_000;
const BATCH = 50_000;

export interface SyntheticRunOptions {
  /** The resolved config the run is stored with (iterations, targets, concurrency, seed …). */
  config: ResolvedConfig;
  /** Optional progress line per written batch. */
  log?: (message: string) => void;
}

class Latency {
  readonly #rng: SeededStream;
  #spare: number | undefined;
  constructor(seed: number, stream: string) {
    this.#rng = new SeededStream(seed, stream);
  }
  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    const u = 1 - this.#rng.unit();
    const v = this.#rng.unit();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** Latency in integer ns around `medianMs`. */
  ns(medianMs: number): number {
    return Math.max(1000, Math.round(medianMs * 1e6 * Math.exp(SIGMA * this.normal())));
  }
  unit(): number {
    return this.#rng.unit();
  }
}

const medianOf = (target: string, query: string) => (MEDIAN_MS[query] ?? 1) * (FACTOR[target] ?? 1.5);

async function stage(db: SqliteDb, name: string, config: ResolvedConfig, body: (executionId: number) => Promise<void>): Promise<void> {
  const id = await startExecution(db, name, JSON.stringify(redact(config)));
  await body(id);
  await finishExecution(db, id, 0);
}

/** Writes one interleaved phase (iteration → query → the schedule's balanced target order), in batches. */
async function writePhase(db: SqliteDb, runId: string, phase: 'warmup' | 'measure', c: ResolvedConfig, iterations: number, lat: Latency, log?: (m: string) => void): Promise<{ samples: number; wallNs: number }> {
  const n = c.targets.length;
  let batch: SampleRow[] = [];
  let clock = 0;
  let written = 0;
  for (let i = 0; i < iterations; i++) {
    const order = balancedOrder(n, i);
    for (const q of QUERIES) {
      for (const k of order) {
        const target = c.targets[k]!;
        const elapsed = lat.ns(medianOf(target, q.id));
        const failed = lat.unit() < 1 / FAIL_EVERY;
        batch.push({
          run_id: runId, target, query_id: q.id, category: q.category, phase, iteration: i, start_ns: clock, elapsed_ns: elapsed,
          row_count: failed ? null : q.category === 'simple' ? 1 : c.k, ok: failed ? 0 : 1,
          error: failed ? 'canceling statement due to statement timeout' : null,
        });
        clock += elapsed + GAP_NS;
      }
    }
    if (batch.length >= BATCH) {
      await writeSamples(db, batch);
      written += batch.length;
      batch = [];
      log?.(`${phase}: ${written.toLocaleString('en-US')} samples written`);
    }
  }
  await writeSamples(db, batch);
  return { samples: written + batch.length, wallNs: clock };
}

function verifications(runId: string, c: ResolvedConfig, lat: Latency): VerificationRow[] {
  const rows: VerificationRow[] = [];
  for (let i = 0; i < c.verify_queries; i++) {
    for (const q of QUERIES) {
      for (const target of c.targets) {
        const knn = q.params.includes('query_vector');
        // Approximate (HNSW) kNN recalls a bit under 1; exact scans and the rest return the same rows everywhere.
        const recall = !knn ? null : q.deterministic ? 1 : Math.round((0.8 + 0.2 * lat.unit()) * c.k) / c.k;
        rows.push({
          run_id: runId, target, query_id: q.id, iteration: i, row_count: q.category === 'simple' ? 1 : c.k,
          result_hash: q.deterministic ? `h-${q.id}-${i}` : `h-${q.id}-${i}-${target}`, recall, error: null,
        });
      }
    }
  }
  return rows;
}

async function sweep(db: SqliteDb, runId: string, c: ResolvedConfig, lat: Latency): Promise<void> {
  for (const target of c.targets) {
    const concurrent = target === 'postgres';
    for (const level of c.concurrency) {
      const samples: SweepSampleRow[] = [];
      let wall = 0;
      for (let client = 0; client < level; client++) {
        let clock = 0;
        for (let r = 0; r < c.sweep_requests; r++) {
          const q = QUERIES[(client + r) % QUERIES.length]!;
          // Concurrent sessions share 2 cores; queued ones wait for each other.
          const slow = concurrent ? Math.max(1, level / 2) : level;
          const elapsed = lat.ns(medianOf(target, q.id) * slow);
          samples.push({ run_id: runId, target, concurrency: level, client, query_id: q.id, category: q.category, start_ns: clock, elapsed_ns: elapsed, ok: 1, error: null });
          clock += elapsed + GAP_NS;
        }
        wall = Math.max(wall, clock);
      }
      // Client load: one Node process driving C clients gets busier with C (deterministic, no draw
      // from the latency stream); postgres at 8 clients crosses the 0.8-core guard, so the
      // offline report shows a per-level warning. PGlite's engine runs in the process (exempt).
      const load = syntheticClientLoad(0.2 + 0.085 * level, 0.3 + 0.2 * level, wall);
      await writeSweepLevel(db, { run_id: runId, target, concurrency: level, wall_ns: wall, concurrent_sessions: concurrent ? 1 : 0, ...levelClientLoadColumns(load, !concurrent) }, samples);
    }
  }
}

/**
 * The ef_search sweep: per target × ef_search × ANN query, `ef_search_requests` back-to-back
 * requests whose latency grows with ef_search, and a recall pass whose recall rises towards 1.
 */
async function efSearchSweep(db: SqliteDb, runId: string, c: ResolvedConfig, lat: Latency): Promise<void> {
  for (const target of c.targets) {
    for (const ef of c.ef_search) {
      for (const q of ANN_QUERIES) {
        const samples: EfSearchSampleRow[] = [];
        const recalls: EfSearchRecallRow[] = [];
        let clock = 0;
        for (let seq = 0; seq < c.ef_search_requests; seq++) {
          const elapsed = lat.ns(medianOf(target, q.id) * (0.4 + ef / 100));
          samples.push({ run_id: runId, target, ef_search: ef, query_id: q.id, seq, start_ns: clock, elapsed_ns: elapsed, ok: 1, error: null });
          clock += elapsed + GAP_NS;
          const recall = Math.min(1, Math.round((1 - 0.3 * Math.exp(-ef / 40) - 0.05 * lat.unit()) * c.k) / c.k);
          recalls.push({ run_id: runId, target, ef_search: ef, query_id: q.id, seq, recall, error: null });
        }
        await writeEfSearchBlock(db, { run_id: runId, target, ef_search: ef, query_id: q.id, requests: c.ef_search_requests, wall_ns: clock, ef_tunable: 1 }, samples, recalls);
      }
    }
  }
}

/** Open-loop levels: a uniform schedule per offered rate, served on time below each target's capacity. */
async function openLoop(db: SqliteDb, runId: string, c: ResolvedConfig, lat: Latency): Promise<void> {
  const queries = QUERIES.filter((q) => (c.rate_queries ?? QUERIES.map((x) => x.id)).includes(q.id as never));
  for (const target of c.targets) {
    for (const rate of c.rate) {
      const scheduled = c.rate_requests ?? Math.round(rate * (c.rate_duration_s ?? 10));
      const gapNs = 1e9 / rate;
      const samples: OpenLoopSampleRow[] = [];
      let wall = 0;
      for (let seq = 0; seq < scheduled; seq++) {
        const q = queries[seq % queries.length]!;
        const intended = Math.round(seq * gapNs);
        // Above ~300 requests/s per target the synthetic server falls behind: starts slip.
        const slip = Math.round(Math.max(0, rate - 300 / (FACTOR[target] ?? 1)) * seq * 1000);
        const start = intended + 20_000 + slip;
        const end = start + lat.ns(medianOf(target, q.id));
        wall = Math.max(wall, end);
        const late = start - intended > c.rate_late_ms * 1e6 ? 1 : 0;
        samples.push({ run_id: runId, target, offered_rate: rate, seq, session: seq % c.rate_sessions, query_id: q.id, category: q.category, intended_ns: intended, start_ns: start, end_ns: end, queued: slip > 0 ? 1 : 0, late, dropped: 0, ok: 1, error: null });
      }
      await writeOpenLoopLevel(db, {
        run_id: runId, target, offered_rate: rate, arrival: 'uniform', sessions: c.rate_sessions, concurrent_sessions: target === 'postgres' ? 1 : 0,
        scheduled, span_ns: Math.round(scheduled * gapNs), wall_ns: wall, late_threshold_ns: c.rate_late_ms * 1e6, drop_after_ns: Math.round(scheduled * gapNs + c.rate_grace_s * 1e9), max_queue: 0,
        // The dispatcher spins before each due request: CPU grows with the rate; at 400/s postgres
        // crosses the guard and its event-loop p99 the 1 ms late threshold (CLIENT-BOUND?, CLIENT-LATE).
        ...levelClientLoadColumns(syntheticClientLoad(0.12 + rate / 480, 0.2 + rate / 320, wall), target !== 'postgres'),
      }, samples);
    }
  }
}

/** A plausible per-level client load (see lib/measure/client-load.ts for the fields). */
function syntheticClientLoad(cpuCores: number, loopP99Ms: number, wallNs: number): ClientLoad {
  const r = (x: number) => Math.round(x * 100) / 100;
  return { cpu_cores: r(Math.min(0.97, cpuCores)), event_loop_delay_p50_ms: r(loopP99Ms / 6), event_loop_delay_p99_ms: r(loopP99Ms), event_loop_delay_max_ms: r(loopP99Ms * 3), wall_s: Math.round(wallNs / 1e8) / 10 };
}

/** Writes the whole run; returns its id and the number of measured samples. */
export async function writeSyntheticRun(db: SqliteDb, o: SyntheticRunOptions): Promise<{ runId: string; samples: number }> {
  const c = o.config;
  const datasetId = datasetIdOf(c);
  const lat = new Latency(c.seed, 'synthetic-run');
  await stage(db, 'provision', c, async () => {});
  await stage(db, 'validate', c, (id) =>
    writeValidations(db, id, c.targets.map((t) => ({ target: t, database_key: t === 'postgres' ? 'postgres' : 'pglite', ok: 1, message: `${t}: reachable, pgvector 0.8.0 (synthetic)` }))),
  );
  await stage(db, 'seed', c, async () => {
    await upsertDataset(db, { dataset_id: datasetId, generator: 'uniform-v1', size: c.dataset_size, dims: c.vector_dims, seed: c.seed, vectors_hash: 'synthetic-vectors', metadata_hash: 'synthetic-metadata' });
    for (const t of c.targets) {
      await writeFingerprint(db, {
        dataset_id: datasetId, target: t, database_key: t === 'postgres' ? 'postgres' : 'pglite', index_spec: indexSpecOf(c), row_count: c.dataset_size,
        metadata_count: c.dataset_size, vectors_hash: 'synthetic-vectors', metadata_hash: 'synthetic-metadata', matches: 1,
        load_seconds: 6.2, index_seconds: 60.5, rows_per_second: c.dataset_size / 6.2, table_bytes: 4.3e8, index_bytes: 7.9e8,
      });
    }
  });
  await stage(db, 'warmup', c, async (id) => {
    const w = newRunId('warmup');
    await createRun(db, { run_id: w, kind: 'warmup', profile: c.profile, dataset_id: datasetId, seed: c.seed, targets_json: JSON.stringify(c.targets), target_types: c.target_types, config_json: JSON.stringify(redact(withoutTrivialTypes(c))), below_production_scale: c.dataset_size < 100_000 ? 1 : 0 });
    await attachRun(db, id, w);
    const r = await writePhase(db, w, 'warmup', c, c.warmup, lat);
    await finishRun(db, w, 'complete', r.wallNs);
  });
  let result = { runId: '', samples: 0 };
  await stage(db, 'measure', c, async (id) => {
    const runId = newRunId('measure');
    await createRun(db, { run_id: runId, kind: 'measure', profile: c.profile, dataset_id: datasetId, seed: c.seed, targets_json: JSON.stringify(c.targets), target_types: c.target_types, config_json: JSON.stringify(redact(withoutTrivialTypes(c))), below_production_scale: c.dataset_size < 100_000 ? 1 : 0 });
    await attachRun(db, id, runId);
    await setRunEnvironment(db, runId, {
      client: clientEnvironment(),
      targets: Object.fromEntries(c.targets.map((t) => [t, { description: `${t} (synthetic run: make bench-offline)` }])),
      hnsw_ef_search: c.hnsw.ef_search,
      vector_param_format: c.vector_param_format,
      harness: { clock_resolution_ns: 130, clock_reading_cost_ns: 559.1, select1_p50_ms: Object.fromEntries(c.targets.map((t) => [t, 0.2 * (FACTOR[t] ?? 1)])) },
      client_load: { cpu_cores: 0.9, event_loop_delay_p50_ms: 0.02, event_loop_delay_p99_ms: 1.1, event_loop_delay_max_ms: 9, wall_s: 0, warning: null },
    });
    await writePhase(db, runId, 'warmup', c, c.warmup, lat);
    await writeVerifications(db, verifications(runId, c, lat));
    const r = await writePhase(db, runId, 'measure', c, c.iterations, lat, o.log);
    if (c.concurrency.length) await sweep(db, runId, c, lat);
    if (c.ef_search.length) await efSearchSweep(db, runId, c, lat);
    if (c.rate.length) await openLoop(db, runId, c, lat);
    await finishRun(db, runId, 'complete', r.wallNs);
    result = { runId, samples: r.samples };
  });
  return result;
}
