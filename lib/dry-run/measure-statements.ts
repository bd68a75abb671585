import { poolWarmupQueries } from '../pipeline/query-vector-warmup.js';
import { TARGET_MEMORY_PROBES } from '../measure/speed-probe.js';
import { JS_WARMUP_BLOCK, JS_WARMUP_ITERATIONS, JS_WARMUP_MAX_BLOCKS } from '../pipeline/in-process-js-warmup.js';
import type { ResolvedConfig } from '../config/load.js';
import { emptyStatementRtt } from '../measure/calibration.js';
import { prepareCalls, type PreparedCall } from '../measure/prepare.js';
import { readMarker } from '../pipeline/marker.js';
import { prepareSessions, workloadShape } from '../pipeline/session-setup.js';
import type { LoadedTarget, OpenTarget } from '../pipeline/targets.js';
import { QUERY_STEPS, bindFor, queryVars } from '../targets/bind.js';
import { queryModeOf, queryModeText } from '../targets/query-mode.js';
import { planFormatOf } from '../targets/plan-formats.js';
import { QUERIES, measuredQueries } from '../workload/queries.js';
import { undoWrites } from '../pipeline/write-undo.js';
import { bindLines } from './format.js';
import { listCalls } from './list-calls.js';
import { recordingSession, type SessionCall } from './recording-session.js';
import type { DrySection } from './sections.js';

/**
 * What `measure` sends, target by target (lib/pipeline/measure.ts): the dataset check
 * (readMarker), the session settings (prepareSessions), the environment fingerprint (the target's
 * environment()), the SELECT-1 calibration (emptyStatementRtt), the plan capture of targets that
 * have one, then the measured queries. All of them are the stage's own functions on a recording
 * session; the measured statements and their parameters come from prepareCalls (dialect, bindFor,
 * encoded query vectors), the first request of the measure phase shown. Bind order: what each
 * placeholder receives, from the same bindFor with the catalogue's parameter names.
 */
export async function measureSections(c: ResolvedConfig, targets: readonly LoadedTarget[]): Promise<DrySection[]> {
  const dims = c.vector_dims;
  const recs = new Map<string, SessionCall[]>();
  const opened: OpenTarget[] = targets.map((t) => {
    t.module.databaseKey(t.ctx); // selects iris-pgwire's dialect, as opening a session does
    const rec = recordingSession();
    recs.set(t.id, rec.calls);
    return { ...t, session: rec.session };
  });
  for (const t of opened) await readMarker(t);
  // As measure: leftovers of an earlier run's writes, looked for once per database (lib/pipeline/write-undo.ts).
  await undoWrites(opened, c);
  const pools = await prepareSessions(c, opened);
  for (const t of opened) await t.module.environment(t.session, t.ctx.options);
  for (const t of opened) await emptyStatementRtt(t.session, t.module.dialect.ping);

  const shape = workloadShape(c);
  // The reads, and the write queries with `writes: true`; a query a dialect has no statement for is listed as such.
  const queries = measuredQueries(c);
  const withoutStatement = (t: OpenTarget) => new Map(queries.filter((q) => t.module.dialect[q.id] === undefined).map((q) => [q.id, 'no statement'] as const));
  const prepared = prepareCalls(opened.map((t) => ({ ...t, unsupported: withoutStatement(t) })), pools, queries, shape, 'measure', 1);
  const sections: DrySection[] = [];
  for (const { target: t, calls } of prepared) {
    const plan = planFormatOf(t.module.capabilities);
    const recorded = recs.get(t.id)!;
    let indexMethodsSql: string | undefined;
    if (plan) {
      // As lib/pipeline/query-plans.ts: index methods once, then each query's plan with its first parameters.
      const before = recorded.length;
      await plan.format.indexMethods(t.session);
      indexMethodsSql = recorded[before]?.sql;
      for (const [qi] of QUERIES.entries()) await plan.format.explain(t.session, calls[qi]![0]!.sql, calls[qi]![0]!.params);
    }
    const measuredSql = new Map(QUERIES.map((q, qi) => [calls[qi]![0]!.sql, q.id] as const));
    const labelOf = (sql: string) => {
      if (sql === indexMethodsSql) return 'plan capture: index methods';
      for (const [text, id] of measuredSql) if (sql !== text && sql.endsWith(text)) return `plan of ${id}`;
      return undefined;
    };
    sections.push({
      target: t,
      heading: `session setup, once per session before any timed request: dataset check, leftover writes (once per database), session settings, environment, calibration${plan ? ', plan capture' : ''}`,
      statements: listCalls(recorded, t.module.dialect, dims, ['read_marker', 'delete_written_rows', 'written_label_ids', 'missing_metadata_ids', 'set_ef_search', 'set_iterative_scan', 'server_settings', 'server_version', 'vector_version', 'ping'], labelOf),
    });
    // The session warmup is a count only with warmup_max_s 0; otherwise it runs to steady state (lib/measure/steady-warmup.ts).
    const warm = c.warmup_max_s === 0
      ? (c.warmup ? `${c.warmup} session warmup` : '')
      : `at least ${c.warmup} session warmup (more until the medians of two successive windows of ${c.warmup_window} agree within ${(c.warmup_tolerance * 100).toFixed(1)}%, at most ${c.warmup_max_s} s in all)`;
    // In-process engines first get an untimed JavaScript warmup (lib/pipeline/in-process-js-warmup.ts).
    const sessionWarmup = c.warmup > 0 || c.warmup_max_s > 0;
    const jsWarm = sessionWarmup && t.module.capabilities.inProcess === true ? `${JS_WARMUP_ITERATIONS}–${(JS_WARMUP_MAX_BLOCKS * JS_WARMUP_BLOCK).toLocaleString('en-US')} JavaScript warmup (untimed, not stored; only the queries without a query vector, until their medians stop falling)` : '';
    const runs = [jsWarm, warm, c.verify_queries ? `${c.verify_queries} verification (untimed)` : '', `${c.iterations} measured`].filter(Boolean).join(' + ');
    // Before the session warmup, every pool vector once through each index kNN query (lib/pipeline/query-vector-warmup.ts).
    const knn = sessionWarmup && shape.query_vector_pool > 0 ? poolWarmupQueries(queries).filter((q) => !t.unsupported?.has(q.id)).map((q) => q.id) : [];
    const poolWarm = knn.length ? `; ${knn.join(' and ')} also once per query vector of the pool (${shape.query_vector_pool}, untimed, not stored) before the session warmup` : '';
    sections.push({
      target: t,
      heading: `measured queries: each sent ${runs} times, parameters drawn per request from seeded streams (the first measured request shown)${poolWarm}; ` +
        `the one that opens an iteration also re-sent untimed, with the iteration before's parameters, after each memory probe of the machine (about ${TARGET_MEMORY_PROBES} a phase) and once before the first (lib/measure/run-phase.ts)${modeNote(t)}`,
      statements: queries.flatMap((q, qi) => {
        const call = calls[qi]![0];
        if (!call) return [{ label: q.id, sql: '-- not on this path: its dialect has no statement for it', binds: [], note: t.module.capabilities.queriesWithoutStatement?.[q.id] ?? 'no statement' }];
        // A query sent as several statements in one request (QUERY_STEPS): one entry per statement.
        const steps = QUERY_STEPS[q.id] ?? [{ statement: q.id, params: q.params.map((_, i) => i) }];
        const out = [];
        let step: PreparedCall | undefined = call;
        for (const [si, s] of steps.entries()) {
          const names = bindFor(t.module, s.statement, s.params.map((i) => q.params[i]), queryVars(shape)).params.map(String);
          const note = step!.params.length ? undefined : queryModeOf(t) === 'simple' && names.length ? 'parameters rendered as SQL literals (query_mode simple)' : 'no parameters';
          const label = steps.length > 1 ? `${q.id} (statement ${si + 1} of ${steps.length}, one request)` : q.id;
          out.push({ label, sql: step!.sql, binds: bindLines(step!.sql, step!.params, dims, names), note });
          step = step!.then;
        }
        return out;
      }),
    });
  }
  return sections;
}

/** The statement protocol of a pg-driven target, for the measured-queries heading ('' for others). */
function modeNote(t: LoadedTarget): string {
  const mode = queryModeOf(t);
  return mode ? `; query_mode ${queryModeText(mode)}` : '';
}

/** One line per configured sweep, saying what else measure sends after the main measurement. */
export function sweepNotes(c: ResolvedConfig): string[] {
  const notes: string[] = [];
  if (c.concurrency.length) notes.push(`concurrency sweep at ${c.concurrency.join(', ')} sessions: the measured queries above, ${c.sweep_requests} requests per client and level`);
  if (c.ef_search.length) notes.push(`ef_search sweep: set_ef_search with ${c.ef_search.join(', ')}, then vector_cosine and vector_filter (${c.ef_search_requests} requests each), then set_ef_search ${c.hnsw.ef_search} again`);
  if (c.writes) {
    notes.push(
      'after each phase that ran the write queries (probe, verification, session warmup, the measured loop and any sweep): delete_written_rows and written_label_ids once per database, ' +
        'restore_label per written label, missing_metadata_ids once and delete_insert_reinsert per metadata row a half-done delete_insert left deleted, and after the last the dataset read back as seed reads it (count_vectors, count_metadata, fingerprint_vectors, fingerprint_metadata per chunk)',
    );
  }
  if (c.rate.length) notes.push(`open-loop levels at ${c.rate.join(', ')} requests/s: ${(c.rate_queries ?? QUERIES.map((q) => q.id)).join(', ')} on ${c.rate_sessions} sessions per target`);
  return notes;
}
