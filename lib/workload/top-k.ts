/**
 * Exact top-k by dot product over row-major Float32Array data, for a slice of queries. Pure and
 * synchronous: runs in the main thread or in a ground-truth worker. Ranks by dot product
 * descending, ties broken by lower id. Category of row id: rowCategories[id − 1] when given (a
 * file's category column, indices < categories), else id mod categories (the generator's).
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
  rowCategories?: Uint16Array,
): TopKResult {
  const nq = qTo - qFrom;
  const all = Array.from({ length: nq }, () => new TopK(k));
  const byCat = Array.from({ length: nq }, () => Array.from({ length: categories }, () => new TopK(k)));
  const floors = new Float64Array(nq).fill(Number.NEGATIVE_INFINITY);
  const catFloors = new Float64Array(nq * categories).fill(Number.NEGATIVE_INFINITY);
  let id = 0;
  let cat = 0;
  const offer = (q: number, dot: number) => {
    if (dot > floors[q]!) {
      all[q]!.offer(id, dot);
      floors[q] = all[q]!.floor();
    }
    const ci = q * categories + cat;
    if (dot > catFloors[ci]!) {
      byCat[q]![cat]!.offer(id, dot);
      catFloors[ci] = byCat[q]![cat]!.floor();
    }
  };
  for (let r = 0; r < rows; r++) {
    const base = r * dims;
    id = r + 1;
    cat = rowCategories ? rowCategories[r]! : id % categories;
    // Four queries per pass over the row: each data value is loaded once for four products.
    let q = 0;
    for (; q + 3 < nq; q += 4) {
      const b0 = (qFrom + q) * dims;
      const b1 = b0 + dims;
      const b2 = b1 + dims;
      const b3 = b2 + dims;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let d = 0; d < dims; d++) {
        const x = data[base + d]!;
        s0 += queries[b0 + d]! * x;
        s1 += queries[b1 + d]! * x;
        s2 += queries[b2 + d]! * x;
        s3 += queries[b3 + d]! * x;
      }
      offer(q, s0);
      offer(q + 1, s1);
      offer(q + 2, s2);
      offer(q + 3, s3);
    }
    for (; q < nq; q++) {
      const qb = (qFrom + q) * dims;
      let s0 = 0;
      for (let d = 0; d < dims; d++) s0 += queries[qb + d]! * data[base + d]!;
      offer(q, s0);
    }
  }
  return { all: all.map((t) => t.ids), byCategory: byCat.map((cs) => cs.map((t) => t.ids)) };
}
