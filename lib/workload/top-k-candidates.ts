/**
 * What the exact ground truth IS, and how a fast float32 pass is turned into exactly that.
 *
 * Definition: the score of row x for query q is dotF64(q, x) = Σ_d q[d]·x[d] over the stored
 * float32 values, each product exact in float64 (24-bit × 24-bit mantissas fit in 53 bits) and
 * summed in float64 in dimension order d = 0, 1, …. The top-k is the k rows with the highest
 * score, ties (equal float64 scores) broken by lower id. The plain-JS kernel (top-k.ts) computes
 * exactly this; the SIMD kernel (top-k-wasm.ts) must return the same ids.
 *
 * The SIMD kernel scores in float32 (f32x4 products and sums, its own summation order), which
 * can misorder rows whose scores differ by ~1e-6. So it is only a filter: for each query it keeps
 * every row that COULD be in the true top-k given a proven bound ε on its error, then rescores
 * those candidates with dotF64 and ranks them by the definition above.
 *
 * The bound: for any summation order of D float32 products, |f32 score − exact| ≤ γ(D+2)·Σ|q_d x_d|
 * with γ(m) = m·u/(1 − m·u), u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms,
 * §3.1: every term passes through at most D−1 additions and 1 multiplication; +1 spare). dotF64
 * itself is within γ₆₄(D)·Σ|q_d x_d| of exact. Cauchy–Schwarz: Σ|q_d x_d| ≤ ‖q‖·‖x‖ ≤ ‖q‖·maxNorm.
 * So ε = (γ(D+2) + γ₆₄(D))·‖q‖·maxNorm bounds |f32 score − dotF64| for every row seen so far.
 *
 * Why pruning is safe: let F be the k-th best float32 score among rows seen so far. Those k rows
 * have dotF64 ≥ F − ε, so the final k-th best dotF64 T ≥ F − ε. A row with f32 score < F − 2ε has
 * dotF64 < F − ε ≤ T: strictly below the final top-k, tie-break or not. F only rises and maxNorm
 * only grows (thresholds are recomputed when it does), so pruning with the running F is safe.
 */

/** The ground-truth score (see above): float64 accumulation in dimension order. */
export function dotF64(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dims: number): number {
  let s = 0;
  for (let d = 0; d < dims; d++) s += a[aOffset + d]! * b[bOffset + d]!;
  return s;
}

const U32 = 2 ** -24;
const U64 = 2 ** -53;
const gamma = (m: number, u: number) => (m * u) / (1 - m * u);

/**
 * ε per unit of ‖q‖·maxNorm for D float32 products (D = dims incl. zero padding). The factor
 * 1 + 1e-9 covers the float64 rounding in computing ε, norms and thresholds (each ~1e-16 relative).
 */
export function float32DotErrorFactor(dims: number): number {
  return (gamma(dims + 2, U32) + gamma(dims, U64)) * (1 + 1e-9);
}

/** An upper bound on √s given a float32 sum of D squares ŝ: s ≤ ŝ / (1 − γ(D+2)). */
export function normUpperBound(float32SumSq: number, dims: number): number {
  return Math.sqrt(float32SumSq / (1 - gamma(dims + 2, U32))) * (1 + 1e-9);
}

/**
 * Rows kept for one (query, list) while the float32 pass runs. The caller checks the admission
 * threshold (kth − margin) first, in its hot loop; `push` keeps the k best float32 scores in a
 * min-heap so `kth` is always current (the threshold rises with every better row, so few rows
 * are admitted: about k·ln(n/k) plus those within the margin) and the candidate rows in a buffer
 * pruned by the current threshold whenever it fills. Typed arrays, grown by doubling and
 * compacted in place: millions of pushes over a run must not feed the garbage collector.
 */
export class CandidateList {
  #ids = new Int32Array(16);
  #scores = new Float64Array(16);
  #size = 0;
  readonly #heap: Float64Array;
  #heapSize = 0;
  /** k-th best float32 score so far; −∞ until k rows were seen. */
  kth = Number.NEGATIVE_INFINITY;

  constructor(private readonly k: number) {
    this.#heap = new Float64Array(k);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds a row the caller found ≥ kth − margin; true when `kth` rose (new threshold). */
  push(id: number, score: number, margin: number): boolean {
    if (this.#size === this.#ids.length) {
      // Full: drop rows the current threshold already excludes; grow only if that frees little.
      this.compact(margin);
      if (this.#size > this.#ids.length / 2) {
        const ids = new Int32Array(this.#ids.length * 2);
        ids.set(this.#ids);
        this.#ids = ids;
        const scores = new Float64Array(this.#scores.length * 2);
        scores.set(this.#scores);
        this.#scores = scores;
      }
    }
    this.#ids[this.#size] = id;
    this.#scores[this.#size++] = score;
    return this.#offerHeap(score);
  }

  /** Drops rows below kth − margin; returns that threshold. */
  compact(margin: number): number {
    const floor = this.kth - margin;
    let m = 0;
    for (let i = 0; i < this.#size; i++) {
      if (this.#scores[i]! >= floor) {
        this.#ids[m] = this.#ids[i]!;
        this.#scores[m++] = this.#scores[i]!;
      }
    }
    this.#size = m;
    return floor;
  }

  /**
   * The exact answer: every surviving candidate rescored with dotF64 (query at qOffset in
   * `queries`; row id i at (i−1)·dims in `data`), best first, ties by lower id, k of them.
   */
  finish(margin: number, data: Float32Array, dims: number, queries: Float32Array, qOffset: number): number[] {
    this.compact(margin);
    return Array.from(this.#ids.subarray(0, this.#size), (id) => ({ id, s: dotF64(queries, qOffset, data, (id - 1) * dims, dims) }))
      .sort((a, b) => b.s - a.s || a.id - b.id)
      .slice(0, this.k)
      .map((c) => c.id);
  }

  /** Min-heap of the k best scores: heap[0] is the k-th best once k were seen. */
  #offerHeap(score: number): boolean {
    const h = this.#heap;
    if (this.#heapSize < this.k) {
      let i = this.#heapSize++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (h[parent]! <= score) break;
        h[i] = h[parent]!;
        i = parent;
      }
      h[i] = score;
      if (this.#heapSize < this.k) return false;
    } else {
      if (score <= h[0]!) return false;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= this.k) break;
        if (c + 1 < this.k && h[c + 1]! < h[c]!) c++;
        if (h[c]! >= score) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = score;
    }
    this.kth = h[0]!;
    return true;
  }
}
