import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';
import { openLoopQueries, requestQueries } from '../../lib/pipeline/open-loop.js';
import { mixSequence, mixText } from '../../lib/workload/rate-mix.js';
import { main as measure } from '../../stages/measure.js';
import { captureOutput } from '../helpers/capture.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

const BASE = { scale: 'small', dataset_size: 300, vector_dims: 16, targets: ['pglite'] };
const MIX = [{ query: 'vector_cosine', weight: 0.8 }, { query: 'simple_select_id', weight: 0.2 }];

describe('rate_mix: the seeded weighted open-loop mix', () => {
  it('reproduces exactly for the same seed, and differs for another', () => {
    const a = mixSequence(42, MIX, 5000);
    expect(mixSequence(42, MIX, 5000)).toEqual(a);
    // A prefix is the shorter level's sequence: every level and target reads the same draws.
    expect(mixSequence(42, MIX, 100)).toEqual(a.subarray(0, 100));
    expect(mixSequence(43, MIX, 5000)).not.toEqual(a);
    // Pinned: a change of stream, generator or draw order would change every run's sequence.
    expect(Array.from(a.subarray(0, 20)).join('')).toMatchInlineSnapshot(`"00100000000010001010"`);
  });

  it('keeps the proportions within tolerance over N draws', () => {
    const n = 100_000;
    for (const [seed, weights] of [[1, [0.8, 0.2]], [2, [3, 1, 1]], [3, [0.05, 0.95]]] as const) {
      const seq = mixSequence(seed, weights.map((weight, query) => ({ query, weight })), n);
      const total = weights.reduce((s, w) => s + w, 0);
      const counts = weights.map((_, i) => seq.filter((x) => x === i).length);
      counts.forEach((c, i) => {
        const p = weights[i]! / total;
        // 5 binomial standard deviations: a correct sampler fails this about once in 3 million.
        expect(Math.abs(c / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
      });
    }
  });

  it('gives each request its query and that query’s next parameters, in catalogue order whatever the YAML key order', () => {
    const c = resolveConfig({ ...BASE, rate_mix: { simple_select_id: 1, vector_cosine: 4 } }, {}, 't');
    const queries = openLoopQueries(c);
    expect(queries.map((q) => q.id)).toEqual(['simple_select_id', 'vector_cosine']);
    const { pick, occurrence, perQuery } = requestQueries(c, queries, 1000);
    const swapped = requestQueries(resolveConfig({ ...BASE, rate_mix: { vector_cosine: 4, simple_select_id: 1 } }, {}, 't'), queries, 1000);
    expect(swapped.pick).toEqual(pick);
    const seen = [0, 0];
    for (let j = 0; j < pick.length; j++) expect(occurrence[j]).toBe(seen[pick[j]!]!++);
    expect(perQuery).toBe(Math.max(...seen));
    // Without a mix: round-robin, as before.
    const rr = requestQueries(resolveConfig({ ...BASE, rate_queries: ['simple_select_id', 'join'] }, {}, 't'), queries, 4);
    expect(Array.from(rr.pick)).toEqual([0, 1, 0, 1]);
    expect(Array.from(rr.occurrence)).toEqual([0, 0, 1, 1]);
    expect(mixText({ vector_cosine: 0.8, simple_select_id: 0.2 })).toBe('vector_cosine 80%, simple_select_id 20%');
  });

  it('refuses a key that is not a query of the run, naming it', () => {
    const refused = (raw: Record<string, unknown>) => {
      try {
        resolveConfig({ ...BASE, ...raw }, {}, 't');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ rate_mix: { vector_cosine: 0.8, insert_once: 0.2 } })).toMatch(/rate_mix: "insert_once" is not a query this run measures; use one of simple_select_all, .*vector_filter/);
    expect(refused({ rate_queries: ['simple_select_id'], rate_mix: { vector_cosine: 1 } })).toMatch(/rate_mix: "vector_cosine" is not a query this run measures \(rate_queries lists/);
    expect(refused({ rate_mix: {} })).toMatch(/rate_mix: empty/);
    expect(refused({ rate_mix: { vector_cosine: -1 } })).toMatch(/rate_mix/);
  });

  it('exits 2 from a stage on a bad key', async () => {
    const p = await tmpProfile({ rate: [10], rate_mix: { vector_cosine: 0.8, nope: 0.2 } });
    const { result, stderr } = await captureOutput(() => measure(['--config', p.config]));
    expect(result).toBe(2);
    expect(stderr).toMatch(/rate_mix: "nope" is not a query this run measures/);
  });
});
