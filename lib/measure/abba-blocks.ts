/**
 * Runs two block functions in pairs, in ABBA order (pair 0: A then B, pair 1: B then A, pair 2:
 * A then B, …), so that whatever the second block of a pair inherits from the first (GC debris,
 * a warmer cache, a scheduler decision) and any linear drift fall on both alike. The first
 * `warmupPairs` pairs run in the same order but are returned apart: they let the JIT optimise both
 * loops before anything counts. Blocks never overlap; each is awaited before the next starts.
 */
export interface PairedBlocks<T> {
  a: T[];
  b: T[];
  /** aFirst[i]: in pair i, A ran before B. */
  aFirst: boolean[];
  warmup: { a: T[]; b: T[] };
}

export async function abbaBlocks<T>(pairs: number, warmupPairs: number, runA: () => Promise<T>, runB: () => Promise<T>): Promise<PairedBlocks<T>> {
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`abbaBlocks: pairs must be an integer >= 1, got ${pairs}`);
  if (!Number.isInteger(warmupPairs) || warmupPairs < 0) throw new RangeError(`abbaBlocks: warmupPairs must be an integer >= 0, got ${warmupPairs}`);
  const out: PairedBlocks<T> = { a: [], b: [], aFirst: [], warmup: { a: [], b: [] } };
  for (let p = 0; p < warmupPairs + pairs; p++) {
    const aFirst = p % 2 === 0;
    let a: T;
    let b: T;
    if (aFirst) {
      a = await runA();
      b = await runB();
    } else {
      b = await runB();
      a = await runA();
    }
    const into = p < warmupPairs ? out.warmup : out;
    into.a.push(a);
    into.b.push(b);
    if (p >= warmupPairs) out.aFirst.push(aFirst);
  }
  return out;
}
