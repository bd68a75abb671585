/**
 * Which slow requests overlapped a garbage-collection pause of the measuring process. Pure: the
 * caller passes samples and pauses on one clock (ns from the phase's origin).
 *
 * "Tail" = the slowest 1% of a target × query's successful requests (at least one), the
 * requests that make its p99. A pause overlaps a request when it starts before the request ends
 * and ends after it starts.
 */
export interface GcPauseRow {
  start_ns: number;
  duration_ns: number;
  kind: string;
}

export interface GcTailRow {
  target: string;
  query_id: string;
  requests: number;
  /** Requests of this target × query that overlapped any pause. */
  overlapped: number;
  tail: number;
  tail_overlapped: number;
}

export interface GcSummary {
  pauses: number;
  by_kind: Record<string, number>;
  total_ms: number;
  max_ms: number;
  rows: GcTailRow[];
}

/** Sorted pause intervals; binary search for the first pause ending after `start`. */
function overlapper(pauses: readonly GcPauseRow[]): (start: number, end: number) => boolean {
  const p = [...pauses].sort((a, b) => a.start_ns - b.start_ns);
  const ends = p.map((x) => x.start_ns + x.duration_ns);
  // Pauses never overlap each other (one thread collects at a time), so ends are sorted too.
  return (start, end) => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo < p.length && p[lo]!.start_ns < end;
  };
}

export function gcTail(
  samples: readonly { target: string; query_id: string; start_ns: number; elapsed_ns: number }[],
  pauses: readonly GcPauseRow[],
): GcSummary {
  const hits = overlapper(pauses);
  const groups = new Map<string, { target: string; query_id: string; xs: { elapsed: number; hit: boolean }[] }>();
  for (const s of samples) {
    const key = `${s.target}\u0000${s.query_id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { target: s.target, query_id: s.query_id, xs: [] }));
    g.xs.push({ elapsed: s.elapsed_ns, hit: hits(s.start_ns, s.start_ns + s.elapsed_ns) });
  }
  const rows: GcTailRow[] = [];
  for (const g of groups.values()) {
    const sorted = g.xs.slice().sort((a, b) => b.elapsed - a.elapsed);
    const tail = Math.max(1, Math.ceil(sorted.length * 0.01));
    rows.push({
      target: g.target, query_id: g.query_id, requests: g.xs.length,
      overlapped: g.xs.filter((x) => x.hit).length,
      tail, tail_overlapped: sorted.slice(0, tail).filter((x) => x.hit).length,
    });
  }
  rows.sort((a, b) => (a.target === b.target ? a.query_id.localeCompare(b.query_id) : a.target.localeCompare(b.target)));
  const by_kind: Record<string, number> = {};
  for (const p of pauses) by_kind[p.kind] = (by_kind[p.kind] ?? 0) + 1;
  const ms = pauses.map((p) => p.duration_ns / 1e6);
  return { pauses: pauses.length, by_kind, total_ms: ms.reduce((a, b) => a + b, 0), max_ms: ms.length ? Math.max(...ms) : 0, rows };
}
