import type { OpenTarget } from '../pipeline/targets.js';
import { QUERY_STEPS, bindFor, queryVars, type BoundStatement, type TemplateVars } from '../targets/bind.js';
import type { QueryOutcome, Session } from '../targets/interface.js';
import { queryModeOf } from '../targets/query-mode.js';
import { inlineParams } from '../targets/sql-literals.js';
import type { LoadedTarget } from '../pipeline/targets.js';
import type { LogicalParam, WorkloadShape, Phase } from '../workload/params.js';
import { newRowId, newRowIdInterleaved, paramSequence } from '../workload/params.js';
import type { QueryId, QueryTemplate } from '../workload/queries.js';

/**
 * Everything a timed loop needs, computed before it starts: SQL text per query and the bound
 * parameter lists per iteration, with query vectors already encoded by each target.
 */
export interface PreparedCall {
  sql: string;
  params: readonly unknown[];
  /**
   * The next statement of the same request (QUERY_STEPS in lib/targets/bind.ts: delete_insert's
   * INSERT), sent when this one has completed, in the same timed region (sendCall).
   */
  then?: PreparedCall;
}

export interface PreparedTarget {
  target: OpenTarget;
  /** [queryIndex][iteration]; empty for a query not supported on this path (every loop skips it). */
  calls: PreparedCall[][];
  /**
   * Only from prepareCalls(…, { unbounded: true }): the call of iteration i ≥ calls[qi].length, for
   * a loop that runs past its prepared stream (the session warmup). Its parameters are those of
   * calls[qi][i mod length] except the new row id, which is iteration i's own, so an insert never
   * repeats an id however long the loop runs. Called between timed calls, never inside one.
   */
  extend?(qi: number, i: number): PreparedCall;
}

export function encodePool(target: OpenTarget, pool: readonly Float32Array[], format: 'binary' | 'text'): unknown[] {
  return pool.map((v) => target.module.encodeVector(v, format));
}

/**
 * Where a target's new rows (insert_one) go: see newRowId. With `targets` (an unbounded phase,
 * whose length is not known in advance) ids interleave instead: see newRowIdInterleaved.
 */
export interface NewRowSlot {
  datasetSize: number;
  targetIndex: number;
  span: number;
  targets?: number;
}

/**
 * Logical parameters → the values one target binds: pool references become that target's encoded
 * vectors, `{ newRow: i }` the target's own id above the dataset (newRowId).
 */
export function bindLogical(logical: readonly LogicalParam[], pool: readonly unknown[], slot: NewRowSlot): unknown[] {
  return logical.map((p) => {
    if (typeof p !== 'object') return p;
    if ('vector' in p) return pool[p.vector];
    return slot.targets === undefined ? newRowId(slot.datasetSize, slot.targetIndex, slot.span, p.newRow) : newRowIdInterleaved(slot.datasetSize, slot.targetIndex, slot.targets, p.newRow);
  });
}

/**
 * The call a target sends for one bound statement: as bound, or — in the `simple` query mode — with
 * the parameters rendered into the text as SQL literals and an empty parameter list, so the timed
 * region holds only the query (lib/targets/sql-literals.ts). Every path that turns a catalogue
 * query into a call goes through here (timed loops, the probe, verification, plans, dry-run).
 */
export function callFor(t: Pick<LoadedTarget, 'module' | 'ctx'>, bound: BoundStatement): PreparedCall {
  const style = t.module.capabilities.wireQueryModes;
  if (!style || queryModeOf(t) !== 'simple') return bound;
  return { sql: inlineParams(bound.sql, bound.params, style.placeholders, style.literals), params: [] };
}

/**
 * The call of one catalogue query with its bound catalogue parameters: one statement, or — a query
 * of QUERY_STEPS — its statements chained by `then`. Every path that turns a catalogue query into
 * a call goes through here or prepareCalls.
 */
export function queryCallFor(t: Pick<LoadedTarget, 'module' | 'ctx'>, queryId: QueryId, params: readonly unknown[], vars: TemplateVars): PreparedCall {
  const steps = QUERY_STEPS[queryId];
  if (!steps) return callFor(t, bindFor(t.module, queryId, params, vars));
  const calls = steps.map((s) => callFor(t, bindFor(t.module, s.statement, s.params.map((i) => params[i]), vars)));
  for (let i = calls.length - 2; i >= 0; i--) calls[i] = { ...calls[i]!, then: calls[i + 1]! };
  return calls[0]!;
}

/**
 * Send one prepared call: its statement, then each `then` after the previous one completed. For a
 * single statement this is session.query() itself. For a chain: rows are the last statement's,
 * rowCount the sum (rows affected by both writes), and a session's in-thread timing (iris-native)
 * spans from the first statement's start to the last one's end. The first failure rejects; the
 * statements after it are not sent (the write undo then repairs what a half-done chain left).
 * Inside a timed region this is the whole of it: the statements and the awaits between them.
 */
export async function sendCall(session: Pick<Session, 'query'>, call: PreparedCall): Promise<QueryOutcome> {
  const first = await session.query(call.sql, call.params);
  if (!call.then) return first;
  let rowCount = first.rowCount;
  let last = first;
  for (let step: PreparedCall | undefined = call.then; step; step = step.then) {
    last = await session.query(step.sql, step.params);
    rowCount += last.rowCount;
  }
  const timing = first.timing && last.timing ? { t0: first.timing.t0, elapsedNs: last.timing.t0 + last.timing.elapsedNs - first.timing.t0 } : undefined;
  return { rowCount, rows: last.rows, ...(timing ? { timing } : {}) };
}

/**
 * Same logical sequence for every target (it depends on seed, phase and query only).
 * `unbounded`: the loop may run past `iterations` (the session warmup cycles its stream); new row
 * ids then interleave across targets and each target gets `extend` (see PreparedTarget).
 */
export function prepareCalls(
  targets: readonly OpenTarget[],
  encodedPools: ReadonlyMap<string, unknown[]>,
  queries: readonly QueryTemplate[],
  shape: WorkloadShape,
  phase: Phase,
  iterations: number,
  o: { unbounded?: boolean } = {},
): PreparedTarget[] {
  const logical = queries.map((q) => paramSequence(shape, phase, q.id, iterations));
  return targets.map((t, targetIndex) => {
    const pool = encodedPools.get(t.id)!;
    const slot: NewRowSlot = { datasetSize: shape.dataset_size, targetIndex, span: iterations, ...(o.unbounded ? { targets: targets.length } : {}) };
    const call = (qi: number, params: readonly LogicalParam[]) => queryCallFor(t, queries[qi]!.id, bindLogical(params, pool, slot), queryVars(shape));
    const calls = queries.map((q, qi) => (t.unsupported?.has(q.id) ? [] : logical[qi]!.map((params) => call(qi, params))));
    if (!o.unbounded) return { target: t, calls };
    return {
      target: t,
      calls,
      extend(qi: number, i: number): PreparedCall {
        const seq = logical[qi]!;
        const params = seq[i % seq.length]!;
        if (!params.some((p) => typeof p === 'object' && 'newRow' in p)) return calls[qi]![i % seq.length]!;
        return call(qi, params.map((p) => (typeof p === 'object' && 'newRow' in p ? { newRow: i } : p)));
      },
    };
  });
}
