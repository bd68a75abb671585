import { describe, expect, it } from 'vitest';
import { summarize } from '../../lib/stats/latency-summary.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { SeededStream } from '../../lib/workload/prng.js';

/**
 * The percentiles aggregate stores must equal an independent recomputation from the raw samples
 * with the reference definition (numpy 'linear'), on random data with ties and on n = 1.
 */
function randomSamples(n: number, seed: number, ties: boolean): SampleRow[] {
  const rng = new SeededStream(seed, 'store-percentiles');
  return Array.from({ length: n }, (_, i) => {
    const ns = ties ? 1_000_000 * rng.int(1, 5) : Math.round(1e6 * (0.2 + 10 * rng.unit() ** 3));
    return {
      run_id: 'r', target: rng.unit() < 0.5 ? 'a' : 'b', query_id: 'simple_count', category: 'simple', phase: 'measure',
      iteration: i, start_ns: i * 20_000_000, elapsed_ns: ns, row_count: 1, ok: rng.unit() < 0.05 ? 0 : 1, error: null,
    } satisfies SampleRow;
  });
}

function reference(samples: SampleRow[], target: string, p: number): number {
  const ms = samples.filter((s) => s.target === target && s.ok === 1).map((s) => s.elapsed_ns / 1e6).sort((x, y) => x - y);
  return quantileSorted(ms, p);
}

describe('stored percentiles equal the reference recomputation', () => {
  for (const [label, n, ties] of [['random, n=997', 997, false], ['heavy ties, n=400', 400, true], ['n=1', 1, false]] as const) {
    it(label, () => {
      const samples = randomSamples(n, 11 + n, ties);
      if (n === 1) samples[0]!.ok = 1;
      const { aggregates } = summarize('r', samples);
      for (const a of aggregates.filter((x) => x.level === 'overall')) {
        expect(a.p50_ms).toBe(reference(samples, a.target, 0.5));
        expect(a.p95_ms).toBe(reference(samples, a.target, 0.95));
        expect(a.p99_ms).toBe(reference(samples, a.target, 0.99));
      }
      expect(aggregates.length).toBeGreaterThan(0);
    });
  }
});
