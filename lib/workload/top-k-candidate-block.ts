import { CandidateList } from './top-k-candidates.js';

/**
 * The candidate lists of a block of queries during the float32 pass: per query, list 0 holds
 * rows of any category and list 1 + c rows of category c (id mod categories, or the row's index
 * in rowCategories). The kernel itself
 * drops every score below the query's lowest list threshold (kept, rounded down to float32, in
 * `threshold32`, a view of the kernel's memory), so only its hits — a few per cent of the ~10⁸
 * scores of 1,000 queries × 100,000 rows — reach `offerHits`. Pruning rules and their proof:
 * top-k-candidates.ts.
 */
export class CandidateBlock {
  readonly #lists: number;
  readonly #cands: CandidateList[];
  readonly #threshold: Float64Array;
  /** Per query: 2ε, ε the error bound for the rows seen so far. */
  readonly #margin: Float64Array;

  constructor(
    private readonly queries: number,
    k: number,
    private readonly categories: number,
    /** Per query: ‖q‖ (float64). */
    private readonly queryNorms: Float64Array,
    /** ε per unit of ‖q‖·‖x‖ (float32DotErrorFactor). */
    private readonly errorFactor: number,
    /** Per query: a float32 ≤ its lowest list threshold, written here for the kernel. */
    private readonly threshold32: Float32Array,
    /** Category index of row id at [id − 1] (a file's column); absent: id mod categories. */
    private readonly rowCategories?: Uint16Array,
  ) {
    this.#lists = 1 + categories;
    this.#cands = Array.from({ length: queries * this.#lists }, () => new CandidateList(k));
    this.#threshold = new Float64Array(queries * this.#lists).fill(Number.NEGATIVE_INFINITY);
    this.#margin = new Float64Array(queries);
    for (let i = 0; i < queries; i++) this.#updateMin(i);
  }

  /** Call before scanning rows whose norms are ≤ maxNorm, whenever that bound grew. */
  setMaxRowNorm(maxNorm: number): void {
    const L = this.#lists;
    for (let i = 0; i < this.queries; i++) {
      this.#margin[i] = 2 * this.errorFactor * this.queryNorms[i]! * maxNorm;
      for (let l = 0; l < L; l++) this.#threshold[i * L + l] = this.#cands[i * L + l]!.kth - this.#margin[i]!;
      this.#updateMin(i);
    }
  }

  /**
   * The kernel's hits for one row chunk: record h is (query i of the block, row r of the chunk,
   * float32 score) at ints[3h], ints[3h + 1], floats[3h + 2]; row r has id firstId + r. Rows at
   * r ≥ count are padding (an odd chunk's spare slot) and are skipped.
   */
  offerHits(ints: Int32Array, floats: Float32Array, hits: number, count: number, firstId: number): void {
    const L = this.#lists;
    const threshold = this.#threshold;
    for (let h = 0; h < hits; h++) {
      const i = ints[3 * h]!;
      const r = ints[3 * h + 1]!;
      if (r >= count) continue;
      const s = floats[3 * h + 2]!;
      const id = firstId + r;
      if (s >= threshold[i * L]!) this.#admit(i, 0, id, s);
      const l = 1 + (this.rowCategories ? this.rowCategories[id - 1]! : id % this.categories);
      if (s >= threshold[i * L + l]!) this.#admit(i, l, id, s);
    }
  }

  /** Exact ids per query: list 0, then one list per category (CandidateList.finish). */
  finish(data: Float32Array, dims: number, queries: Float32Array, firstQuery: number): { all: number[][]; byCategory: number[][][] } {
    const L = this.#lists;
    const all: number[][] = [];
    const byCategory: number[][][] = [];
    for (let i = 0; i < this.queries; i++) {
      const done = (l: number) => this.#cands[i * L + l]!.finish(this.#margin[i]!, data, dims, queries, (firstQuery + i) * dims);
      all.push(done(0));
      byCategory.push(Array.from({ length: this.categories }, (_, c) => done(1 + c)));
    }
    return { all, byCategory };
  }

  #admit(i: number, l: number, id: number, s: number): void {
    const L = this.#lists;
    const c = this.#cands[i * L + l]!;
    if (c.push(id, s, this.#margin[i]!)) {
      this.#threshold[i * L + l] = c.kth - this.#margin[i]!;
      this.#updateMin(i);
    }
  }

  #updateMin(i: number): void {
    const L = this.#lists;
    let m = Number.POSITIVE_INFINITY;
    for (let l = 0; l < L; l++) m = Math.min(m, this.#threshold[i * L + l]!);
    this.threshold32[i] = float32AtMost(m);
  }
}

/** A float32 ≤ t (not necessarily the largest): t lowered by more than fround can raise it. */
export function float32AtMost(t: number): number {
  if (!Number.isFinite(t)) return t;
  const f = Math.fround(t - Math.abs(t) * 2 ** -22 - 1e-30);
  return f <= t ? f : Number.NEGATIVE_INFINITY;
}
