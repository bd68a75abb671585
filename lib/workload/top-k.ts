/**
 * Exact top-k by dot product over row-major Float32Array data, for a slice of queries. Pure and
 * synchronous: runs in the main thread or in a ground-truth worker. Ranks by dot product
 * descending, ties broken by lower id. Category of row id = id mod categories.
 */
export interface TopKResult {
  /** [query] → ids, best first */
  all: number[][];
  /** [query][category] → ids, best first */
  byCategory: number[][][];
}

class TopK {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(private readonly k: number) {}
  /** Cheap rejection first: most rows lose to the current k-th best. */
  floor(): number {
    return this.ids.length === this.k ? this.scores[this.k - 1]! : Number.NEGATIVE_INFINITY;
  }
  offer(id: number, score: number): void {
    const n = this.ids.length;
    if (n === this.k && score <= this.scores[n - 1]!) return;
    let i = n === this.k ? n - 1 : n;
    while (i > 0 && this.scores[i - 1]! < score) {
      if (i < this.k) {
        this.scores[i] = this.scores[i - 1]!;
        this.ids[i] = this.ids[i - 1]!;
      }
      i--;
    }
    this.scores[i] = score;
    this.ids[i] = id;
    if (this.ids.length > this.k) {
      this.ids.length = this.k;
      this.scores.length = this.k;
    }
  }
}

export function topKSlice(
  data: Float32Array,
  rows: number,
  dims: number,
  queries: Float32Array,
  qFrom: number,
  qTo: number,
  k: number,
  categories: number,
): TopKResult {
  const nq = qTo - qFrom;
  const all = Array.from({ length: nq }, () => new TopK(k));
  const byCat = Array.from({ length: nq }, () => Array.from({ length: categories }, () => new TopK(k)));
  const floors = new Float64Array(nq).fill(Number.NEGATIVE_INFINITY);
  const catFloors = new Float64Array(nq * categories).fill(Number.NEGATIVE_INFINITY);
  for (let r = 0; r < rows; r++) {
    const base = r * dims;
    const id = r + 1;
    const cat = id % categories;
    for (let q = 0; q < nq; q++) {
      const qb = (qFrom + q) * dims;
      // Four accumulators: independent add chains the JIT can keep in registers.
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let d = 0;
      for (; d + 3 < dims; d += 4) {
        s0 += queries[qb + d]! * data[base + d]!;
        s1 += queries[qb + d + 1]! * data[base + d + 1]!;
        s2 += queries[qb + d + 2]! * data[base + d + 2]!;
        s3 += queries[qb + d + 3]! * data[base + d + 3]!;
      }
      for (; d < dims; d++) s0 += queries[qb + d]! * data[base + d]!;
      const dot = s0 + s1 + s2 + s3;
      if (dot > floors[q]!) {
        all[q]!.offer(id, dot);
        floors[q] = all[q]!.floor();
      }
      const ci = q * categories + cat;
      if (dot > catFloors[ci]!) {
        byCat[q]![cat]!.offer(id, dot);
        catFloors[ci] = byCat[q]![cat]!.floor();
      }
    }
  }
  return { all: all.map((t) => t.ids), byCategory: byCat.map((cs) => cs.map((t) => t.ids)) };
}
