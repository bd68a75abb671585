import type { SampleColumns } from '../store/sample-columns.js';

/**
 * The same columns without the samples of the queries in `leaveOut` (same dictionaries, same
 * start order). For figures that count completions per target over time (the time series): the
 * queries some path of the run cannot run are left out for every target, so each target's series
 * covers the same queries. Returns `cols` itself when there is nothing to leave out.
 */
export function withoutQueries(cols: SampleColumns, leaveOut: ReadonlySet<string>): SampleColumns {
  if (leaveOut.size === 0) return cols;
  const drop = Uint8Array.from(cols.queries, (q) => (leaveOut.has(q.id) ? 1 : 0));
  const keep: number[] = [];
  for (let i = 0; i < cols.length; i++) if (!drop[cols.query[i]!]) keep.push(i);
  const pick = <A extends Uint16Array | Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
    const out = make(keep.length);
    keep.forEach((i, j) => (out[j] = a[i]!));
    return out;
  };
  return {
    length: keep.length,
    targets: cols.targets,
    queries: cols.queries,
    target: pick(cols.target, (n) => new Uint16Array(n)),
    query: pick(cols.query, (n) => new Uint16Array(n)),
    iteration: pick(cols.iteration, (n) => new Int32Array(n)),
    startNs: pick(cols.startNs, (n) => new Float64Array(n)),
    elapsedNs: pick(cols.elapsedNs, (n) => new Float64Array(n)),
    ok: pick(cols.ok, (n) => new Uint8Array(n)),
  };
}
