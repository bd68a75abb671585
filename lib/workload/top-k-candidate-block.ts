import { CandidateList } from './top-k-candidates.js';

/**
 * The candidate lists of a block of queries during the float32 pass: per query, list 0 holds
 * rows of any category and list 1 + c rows of category c (id mod categories). Admission
 * thresholds live in typed arrays so `scan` — run on every score, ~10⁸ of them for 1,000 queries
 * × 100,000 rows — is one load and one compare for almost every score. Pruning rules and their
 * proof: top-k-candidates.ts.
 */
export class CandidateBlock {
  readonly #lists: number;
  readonly #cands: CandidateList[];
  readonly #threshold: Float64Array;
  /** Per query: the lowest threshold of its lists, the one compare of the common path. */
  readonly #minThreshold: Float64Array;
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
  ) {
    this.#lists = 1 + categories;
    this.#cands = Array.from({ length: queries * this.#lists }, () => new CandidateList(k));
    this.#threshold = new Float64Array(queries * this.#lists).fill(Number.NEGATIVE_INFINITY);
    this.#minThreshold = new Float64Array(queries).fill(Number.NEGATIVE_INFINITY);
    this.#margin = new Float64Array(queries);
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
   * Offers the float32 scores of one row chunk: scores[i·stride + r] for query i of the block and
   * row r < count, row r having id firstId + r.
   */
  scan(scores: Float32Array, stride: number, count: number, firstId: number): void {
    const L = this.#lists;
    const threshold = this.#threshold;
    const minThreshold = this.#minThreshold;
    for (let i = 0; i < this.queries; i++) {
      const o = i * stride;
      let floor = minThreshold[i]!;
      for (let r = 0; r < count; r++) {
        const s = scores[o + r]!;
        if (s < floor) continue; // almost every score ends here
        const id = firstId + r;
        if (s >= threshold[i * L]!) this.#admit(i, 0, id, s);
        const l = 1 + (id % this.categories);
        if (s >= threshold[i * L + l]!) this.#admit(i, l, id, s);
        floor = minThreshold[i]!;
      }
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
    this.#minThreshold[i] = m;
  }
}
