import type { OpenTarget } from '../pipeline/targets.js';
import { bindFor, queryVars } from '../targets/bind.js';
import type { LogicalParam, WorkloadShape, Phase } from '../workload/params.js';
import { paramSequence } from '../workload/params.js';
import type { QueryTemplate } from '../workload/queries.js';

/**
 * Everything a timed loop needs, computed before it starts: SQL text per query and the bound
 * parameter lists per iteration, with query vectors already encoded by each target.
 */
export interface PreparedCall {
  sql: string;
  params: readonly unknown[];
}

export interface PreparedTarget {
  target: OpenTarget;
  /** [queryIndex][iteration]; empty for a query not supported on this path (every loop skips it). */
  calls: PreparedCall[][];
}

export function encodePool(target: OpenTarget, pool: readonly Float32Array[], format: 'binary' | 'text'): unknown[] {
  return pool.map((v) => target.module.encodeVector(v, format));
}

function bind(logical: readonly LogicalParam[], pool: readonly unknown[]): unknown[] {
  return logical.map((p) => (typeof p === 'object' ? pool[p.vector] : p));
}

/** Same logical sequence for every target (it depends on seed, phase and query only). */
export function prepareCalls(
  targets: readonly OpenTarget[],
  encodedPools: ReadonlyMap<string, unknown[]>,
  queries: readonly QueryTemplate[],
  shape: WorkloadShape,
  phase: Phase,
  iterations: number,
): PreparedTarget[] {
  const logical = queries.map((q) => paramSequence(shape, phase, q.id, iterations));
  return targets.map((t) => {
    const pool = encodedPools.get(t.id)!;
    return {
      target: t,
      calls: queries.map((q, qi) => (t.unsupported?.has(q.id) ? [] : logical[qi]!.map((params) => bindFor(t.module, q.id, bind(params, pool), queryVars(shape))))),
    };
  });
}
