import { SeededStream } from './prng.js';

/**
 * The open loop's weighted mix (config `rate_mix`, query id → weight): which query request j of a
 * level runs. Drawn from its own seeded stream ('rate_mix', the run seed), so the same seed and
 * mix give the same sequence of query ids on every target, every level and every run. Weights are
 * relative (they need not sum to 1). Entries are taken in the order given — the caller passes
 * them in catalogue order, so the YAML key order cannot change the sequence.
 *
 * Computed once per run before any level starts: the dispatcher only reads the precomputed array,
 * nothing is drawn in the timed region.
 */
export interface MixEntry<Q> {
  query: Q;
  weight: number;
}

/** Index into `entries` of each of the first `n` requests. */
export function mixSequence<Q>(seed: number, entries: readonly MixEntry<Q>[], n: number): Uint16Array {
  if (entries.length === 0) throw new Error('rate mix: no query to draw from');
  const total = entries.reduce((s, e) => s + e.weight, 0);
  // Cumulative upper bounds in [0, 1]; the last is exactly 1 so every draw in [0, 1) lands.
  const bounds = new Float64Array(entries.length);
  let acc = 0;
  entries.forEach((e, i) => (bounds[i] = acc += e.weight / total));
  bounds[entries.length - 1] = 1;
  const rng = new SeededStream(seed, 'rate_mix');
  const out = new Uint16Array(n);
  for (let j = 0; j < n; j++) {
    const u = rng.unit();
    let i = 0;
    while (u >= bounds[i]!) i++;
    out[j] = i;
  }
  return out;
}

/** "vector_cosine 80%, simple_select_id 20%": the mix as configured, normalised to percent. */
export function mixText(mix: Readonly<Record<string, number>>): string {
  const total = Object.values(mix).reduce((s, w) => s + w, 0);
  return Object.entries(mix)
    .map(([id, w]) => `${id} ${+((100 * w) / total).toFixed(1)}%`)
    .join(', ');
}
