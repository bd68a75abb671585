import { CATEGORY_COUNT, vectorBatches, type DatasetSpec } from './generator.js';

/**
 * Exact top-k neighbours of every pool query vector, computed in Node from the generator's own
 * vectors (no database involved). All vectors are L2-normalised, so ordering by cosine distance,
 * by L2 distance and by inner product (descending) are the same ordering: one dot product per
 * (query, row) serves all three metrics. Rows are ranked by dot product descending, ties broken
 * by lower id.
 *
 * Besides the unfiltered top-k, the top-k within each category (id mod CATEGORY_COUNT) is kept for
 * the filtered kNN query.
 */
export interface GroundTruth {
  k: number;
  /** [queryIndex] → ids, nearest first. */
  all: number[][];
  /** [queryIndex][category] → ids, nearest first. */
  byCategory: number[][][];
}

/** A bounded "k best" list, kept sorted (k is small: insertion beats a heap). */
class TopK {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(private readonly k: number) {}
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

export function computeGroundTruth(spec: DatasetSpec, pool: readonly Float32Array[], k: number): GroundTruth {
  const dims = spec.dims;
  const all = pool.map(() => new TopK(k));
  const byCat = pool.map(() => Array.from({ length: CATEGORY_COUNT }, () => new TopK(k)));
  for (const batch of vectorBatches(spec, 1000)) {
    const data = batch.data;
    for (let r = 0; r < batch.count; r++) {
      const id = batch.firstId + r;
      const base = r * dims;
      const cat = id % CATEGORY_COUNT;
      for (let q = 0; q < pool.length; q++) {
        const v = pool[q]!;
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += v[d]! * data[base + d]!;
        all[q]!.offer(id, dot);
        byCat[q]![cat]!.offer(id, dot);
      }
    }
  }
  return { k, all: all.map((t) => t.ids), byCategory: byCat.map((cats) => cats.map((t) => t.ids)) };
}

/** |returned ∩ truth| / |truth| (recall@k with k = truth length). */
export function recallAt(returned: readonly number[], truth: readonly number[]): number {
  if (truth.length === 0) return returned.length === 0 ? 1 : 0;
  const set = new Set(truth);
  let hit = 0;
  for (const id of returned) if (set.has(id)) hit++;
  return hit / truth.length;
}
