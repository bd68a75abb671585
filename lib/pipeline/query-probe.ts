import { TargetUnavailableError, errorText } from '../errors.js';
import { prepareCalls, sendCall } from '../measure/prepare.js';
import type { SqliteDb } from '../store/sqlite.js';
import { writeUnsupportedQueries, notSupportedText, type UnsupportedQueryRow } from '../store/unsupported-queries.js';
import type { WorkloadShape } from '../workload/params.js';
import { CATALOGUE, QUERIES, type QueryTemplate } from '../workload/queries.js';
import { onTarget, type OpenTarget } from './targets.js';

/**
 * The query probe: once per stage that measures (measure, before its session warmup; the warmup
 * stage, before its iterations), every query runs once on every target, untimed, with the first
 * parameters of the warmup stream, on the measuring session with its settings in force.
 *
 *  - a query the target declares it cannot run (capability `unsupportedQueries`) that fails is
 *    "not supported on this path": stored with the error (lib/store/unsupported-queries.ts) and
 *    skipped on that target by every phase that follows (timed loops, verification, plans, sweeps);
 *  - a declared query that runs is measured like any other; the log says so;
 *  - an undeclared failure changes nothing: the query is measured and its failures are counted
 *    (the log warns now, before the timed loops);
 *  - a lost connection aborts the stage (exit 3), as anywhere else.
 *
 * Returns the targets with `unsupported` set (empty for a path that runs everything).
 */
export async function probeQueries(o: {
  store: SqliteDb;
  runId: string;
  targets: readonly OpenTarget[];
  pools: ReadonlyMap<string, unknown[]>;
  shape: WorkloadShape;
  log: (message: string) => void;
  /** False when the dataset's vectors are not all unit-length: queries a target declares in `unitVectorQueries` are then not run. */
  unitNorm?: boolean;
  /** The queries the stage measures (measuredQueries(config)); default the read catalogue. A write probed here is undone by the caller. */
  queries?: readonly QueryTemplate[];
}): Promise<OpenTarget[]> {
  const rows: UnsupportedQueryRow[] = [];
  const queries = o.queries ?? QUERIES;
  // Every query is probed, whatever an earlier probe found — but one the dialect has no statement for.
  const prepared = prepareCalls(o.targets.map((t) => ({ ...t, unsupported: withoutStatement(t) })), o.pools, queries, o.shape, 'warmup', 1);
  const out: OpenTarget[] = [];
  for (const { target: t, calls } of prepared) {
    const declared = t.module.capabilities.unsupportedQueries ?? {};
    const unitOnly = o.unitNorm === false ? (t.module.capabilities.unitVectorQueries ?? {}) : {};
    const unsupported = new Map<QueryTemplate['id'], string>();
    for (const [qi, q] of queries.entries()) {
      if (t.module.dialect[q.id] === undefined) {
        // No statement on this path (capability queriesWithoutStatement): nothing to run.
        const reason = t.module.capabilities.queriesWithoutStatement?.[q.id] ?? "this path's dialect has no statement for it";
        const error = "not run: this path's dialect has no statement for it";
        unsupported.set(q.id, error);
        rows.push({ run_id: o.runId, target: t.id, query_id: q.id, reason, error });
        o.log(`${t.id} ${q.id}: ${notSupportedText({ error })} — skipped on this path, compared nowhere (${reason})`);
        continue;
      }
      const unitReason = unitOnly[q.id];
      if (unitReason !== undefined) {
        // Not run: its answer would be wrong on these vectors, and a wrong answer is not measured.
        const error = 'not run: this dataset\'s vectors are not unit-length, and this path\'s SQL for it assumes they are';
        unsupported.set(q.id, error);
        rows.push({ run_id: o.runId, target: t.id, query_id: q.id, reason: unitReason, error });
        o.log(`${t.id} ${q.id}: ${notSupportedText({ error })} — skipped on this path, compared nowhere (${unitReason})`);
        continue;
      }
      const call = calls[qi]![0]!;
      const reason = declared[q.id];
      let error: string | undefined;
      try {
        await onTarget(t, `query probe (${q.id})`, () => sendCall(t.session, call));
      } catch (err) {
        if (err instanceof TargetUnavailableError) throw err;
        error = errorText(err);
      }
      if (reason !== undefined && error !== undefined) {
        unsupported.set(q.id, error);
        rows.push({ run_id: o.runId, target: t.id, query_id: q.id, reason, error });
        o.log(`${t.id} ${q.id}: ${notSupportedText({ error })} — skipped on this path, compared nowhere (expected: ${reason})`);
      } else if (reason !== undefined) {
        o.log(`${t.id} ${q.id}: declared not supported on this path (${reason}), but it ran: measured like every other query`);
      } else if (error !== undefined) {
        o.log(`warning: ${t.id} ${q.id} failed in the query probe: ${error}; it is measured all the same and its failures are counted`);
      }
    }
    out.push({ ...t, unsupported });
  }
  await writeUnsupportedQueries(o.store, rows);
  return out;
}

/** The queries `t`'s dialect has no statement for: never bound, never probed. */
function withoutStatement(t: OpenTarget): ReadonlyMap<QueryTemplate['id'], string> {
  return new Map(CATALOGUE.filter((q) => t.module.dialect[q.id] === undefined).map((q) => [q.id, 'no statement']));
}

/** The queries `t` runs, in catalogue order (all of them before the probe ran). */
export function queriesFor<Q extends QueryTemplate>(t: OpenTarget, queries: readonly Q[]): Q[] {
  return queries.filter((q) => !t.unsupported?.has(q.id));
}

/**
 * The queries every target runs: the mix of the phases that compare targets on one stream of
 * mixed queries (concurrency sweep, open loop), so each target carries the same mix. Also
 * returns the ones left out, with the targets that cannot run them, for the log.
 */
export function commonQueries<Q extends QueryTemplate>(targets: readonly OpenTarget[], queries: readonly Q[]): { queries: Q[]; leftOut: string[] } {
  const leftOut: string[] = [];
  const kept = queries.filter((q) => {
    const cannot = targets.filter((t) => t.unsupported?.has(q.id)).map((t) => t.id);
    if (cannot.length) leftOut.push(`${q.id} (not supported on ${cannot.join(', ')})`);
    return cannot.length === 0;
  });
  return { queries: kept, leftOut };
}
