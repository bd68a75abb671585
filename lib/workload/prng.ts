import { createHash } from 'node:crypto';
import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * Seeded randomness only. Each independent stream (dataset rows, query vectors, ids, warmup
 * parameters) gets its own generator whose 32-bit seed is derived by hashing the run seed with
 * the stream's name, so streams never overlap and nearby run seeds do not give correlated data.
 */
export function deriveSeed(seed: number, stream: string): number {
  return createHash('sha256').update(`${seed}:${stream}`).digest().readInt32LE(0);
}

export class SeededStream {
  readonly #rng: RandomGenerator;
  constructor(seed: number, stream: string) {
    this.#rng = xoroshiro128plus(deriveSeed(seed, stream));
  }
  /** Uniform in [0, 1) with 32 bits of resolution. */
  unit(): number {
    return (this.#rng.unsafeNext() >>> 0) / 4294967296;
  }
  /** Uniform in [-1, 1). */
  symmetric(): number {
    return this.unit() * 2 - 1;
  }
  /** Uniform integer in [lo, hi] (inclusive); hi - lo < 2^32. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.unit() * (hi - lo + 1));
  }
}
