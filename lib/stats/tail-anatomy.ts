/**
 * What the slowest 1% of a target × query's requests have in common (`make tail-anatomy`): the
 * "deterministic tail" question — slow requests at the same sequence positions in every run — asked
 * of the recorded facts instead of guessed. Pure: samples, GC pauses and the parameters each
 * iteration bound (lib/workload/params.ts regenerates them from the run's seed), all on one clock.
 *
 * Each tail request gets the first cause that fits, in this order:
 *   gc        — a GC pause of the measuring process overlapped it (lib/stats/gc-tail.ts's rule);
 *   parameter — its parameter value is a slow one: that value's median over the phase (5 samples
 *               or more) is ≥ 1.5× the query's median (only for parameters with few values: query
 *               vector, category);
 *   shared    — another target × query had one of its own tail requests within ±`nearMs` of it:
 *               a stall of the whole client or machine, not of this request;
 *   rows      — it returned more rows than the query's median row count;
 *   unexplained.
 */
export interface TailSample {
  target: string;
  query_id: string;
  iteration: number;
  start_ns: number;
  elapsed_ns: number;
  row_count: number | null;
}

export type TailCause = 'gc' | 'parameter' | 'shared' | 'rows' | 'unexplained';
export const TAIL_CAUSES: readonly TailCause[] = ['gc', 'parameter', 'shared', 'rows', 'unexplained'];

export interface TailAnatomyRow {
  target: string;
  query_id: string;
  requests: number;
  tail: number;
  causes: Record<TailCause, number>;
  /** Iterations of the tail requests, ascending (to compare positions between runs). */
  positions: number[];
  /** Slowest parameter value (few-valued parameters only) and its median ÷ the query's median. */
  slowestValue?: { value: string; ratio: number };
}

export interface TailAnatomyOptions {
  /** Parameter value of (query_id, iteration) when the query has a few-valued parameter, else undefined. */
  paramOf(queryId: string, iteration: number): string | undefined;
  nearMs?: number;
  slowValueRatio?: number;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function tailAnatomy(samples: readonly TailSample[], pauses: readonly { start_ns: number; duration_ns: number }[], o: TailAnatomyOptions): TailAnatomyRow[] {
  const nearNs = (o.nearMs ?? 50) * 1e6;
  const slowRatio = o.slowValueRatio ?? 1.5;
  const groups = new Map<string, TailSample[]>();
  for (const s of samples) {
    const key = `${s.target}\u0000${s.query_id}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const tails = new Map<string, TailSample[]>();
  for (const [key, xs] of groups) tails.set(key, xs.slice().sort((a, b) => b.elapsed_ns - a.elapsed_ns).slice(0, Math.max(1, Math.ceil(xs.length * 0.01))));
  // Every tail request by start, with its group, for the "shared" rule.
  const allTail = [...tails.entries()].flatMap(([key, xs]) => xs.map((s) => ({ key, mid: s.start_ns + s.elapsed_ns / 2 }))).sort((a, b) => a.mid - b.mid);
  const gcHit = (s: TailSample) => pauses.some((p) => p.start_ns < s.start_ns + s.elapsed_ns && p.start_ns + p.duration_ns > s.start_ns);

  const rows: TailAnatomyRow[] = [];
  for (const [key, xs] of groups) {
    const tail = tails.get(key)!;
    const [target, query_id] = key.split('\u0000') as [string, string];
    const qMedian = median(xs.map((s) => s.elapsed_ns));
    const byValue = new Map<string, number[]>();
    for (const s of xs) {
      const v = o.paramOf(query_id, s.iteration);
      if (v === undefined) continue;
      const ys = byValue.get(v);
      if (ys) ys.push(s.elapsed_ns);
      else byValue.set(v, [s.elapsed_ns]);
    }
    // A value seen fewer than 5 times has no median worth comparing (a pool of 100 vectors over 200 iterations).
    const valueRatio = new Map([...byValue].filter(([, ys]) => ys.length >= 5).map(([v, ys]) => [v, median(ys) / qMedian]));
    const slowest = [...valueRatio].sort((a, b) => b[1] - a[1])[0];
    const rowMedian = median(xs.map((s) => s.row_count ?? 0));
    const causes = Object.fromEntries(TAIL_CAUSES.map((c) => [c, 0])) as Record<TailCause, number>;
    for (const s of tail) {
      const mid = s.start_ns + s.elapsed_ns / 2;
      const v = o.paramOf(query_id, s.iteration);
      let cause: TailCause;
      if (gcHit(s)) cause = 'gc';
      else if (v !== undefined && (valueRatio.get(v) ?? 0) >= slowRatio) cause = 'parameter';
      else if (allTail.some((t) => t.key !== key && Math.abs(t.mid - mid) <= nearNs)) cause = 'shared';
      else if ((s.row_count ?? 0) > rowMedian) cause = 'rows';
      else cause = 'unexplained';
      causes[cause]++;
    }
    rows.push({
      target, query_id, requests: xs.length, tail: tail.length, causes, positions: tail.map((s) => s.iteration).sort((a, b) => a - b),
      ...(slowest ? { slowestValue: { value: slowest[0], ratio: slowest[1] } } : {}),
    });
  }
  return rows.sort((a, b) => (a.target === b.target ? a.query_id.localeCompare(b.query_id) : a.target.localeCompare(b.target)));
}

/** Share of run A's tail positions that are also tail positions in run B (same target × query). */
export function recurringPositions(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return 0;
  const set = new Set(b);
  return a.filter((p) => set.has(p)).length / a.length;
}
