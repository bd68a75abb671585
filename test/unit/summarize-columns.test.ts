import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupLatencies } from '../../lib/stats/latency-groups.js';
import { summarize } from '../../lib/stats/latency-summary.js';
import { summarizeColumns } from '../../lib/stats/summarize-columns.js';
import { openStore } from '../../lib/store/open.js';
import { readSampleColumns, sampleColumnsOf, type ReadCounts } from '../../lib/store/sample-columns.js';
import { readSamples, writeSamples, type SampleRow } from '../../lib/store/samples.js';
import { createRun } from '../../lib/store/runs.js';
import { SeededStream } from '../../lib/workload/prng.js';
import { QUERIES } from '../../lib/workload/queries.js';
import { arqueroSummarize } from '../helpers/arquero-summary.js';

/** An interleaved phase: 3 targets × the 8 queries, skewed latencies with ties, ~3% failures. */
function phase(iterations: number, seed: number): SampleRow[] {
  const rng = new SeededStream(seed, 'summarize-columns');
  const targets = ['postgres', 'pglite', 'pglite-wire'];
  const rows: SampleRow[] = [];
  let clock = 0;
  for (let i = 0; i < iterations; i++) {
    for (const q of QUERIES) {
      for (let k = 0; k < targets.length; k++) {
        const elapsed = rng.unit() < 0.2 ? 1_000_000 * rng.int(1, 4) : Math.round(1e6 * (0.1 + 20 * rng.unit() ** 4));
        const ok = rng.unit() < 0.03 ? 0 : 1;
        rows.push({ run_id: 'r', target: targets[(i + k) % 3]!, query_id: q.id, category: q.category, phase: 'measure', iteration: i, start_ns: clock, elapsed_ns: elapsed, row_count: 1, ok, error: ok ? null : 'boom' });
        clock += elapsed + rng.int(5_000, 60_000);
      }
    }
  }
  return rows;
}

describe('summarizeColumns equals the arquero computation bit for bit', () => {
  for (const [label, iterations, seed] of [['200 iterations', 200, 1], ['7 iterations', 7, 2], ['1 iteration', 1, 3]] as const) {
    it(label, () => {
      const rows = phase(iterations, seed);
      const reference = arqueroSummarize('r', rows);
      expect(summarize('r', rows)).toEqual(reference);
      // Row order of the input does not matter (both order by start_ns).
      expect(summarize('r', [...rows].reverse())).toEqual(reference);
    });
  }

  it('a target whose every request failed: counts, null latencies, no spectrum', () => {
    const rows = phase(20, 4).map((r) => (r.target === 'pglite' ? { ...r, ok: 0 as const, error: 'down' } : r));
    expect(summarize('r', rows)).toEqual(arqueroSummarize('r', rows));
  });
});

describe('readSampleColumns', () => {
  it('reads back exactly what readSamples reads, in pages, as columns', async () => {
    const db = await openStore(':memory:');
    await createRun(db, { run_id: 'r', kind: 'measure', profile: 'p', dataset_id: 'd', seed: 1, targets_json: '[]', config_json: '{}', below_production_scale: 1 });
    const rows = phase(30, 5);
    // Large start times (a long run) and one REAL-valued latency must survive the text transport.
    rows.forEach((r) => (r.start_ns += 9_007_199_254_000_000 / 4));
    rows[5]!.elapsed_ns = 1234567.75;
    await writeSamples(db, rows);
    const cols = await readSampleColumns(db, 'r', 'measure', 97);
    const viaRows = sampleColumnsOf(await readSamples(db, 'r', 'measure'));
    expect(cols).toEqual(viaRows);
    expect(cols.length).toBe(rows.length);
    expect(cols.elapsedNs[5]).toBe(1234567.75);
    expect(summarizeColumns('r', cols, groupLatencies(cols))).toEqual(arqueroSummarize('r', rows));
    expect(await readSampleColumns(db, 'r', 'warmup')).toMatchObject({ length: 0 });
    await db.close();
  });

  // In memory: one connection. In a file: two, reading alternate pages (dictionary changes while
  // a page is in flight on the other connection).
  it.each([[':memory:'], ['file']])('keys first seen late, a second category of a known id, odd names and odd numbers: still equal, page by page (%s)', async (where) => {
    const dir = where === 'file' ? await mkdtemp(join(tmpdir(), 'pathbench-columns-')) : null;
    const db = await openStore(dir ? join(dir, 'store.sqlite') : ':memory:');
    await createRun(db, { run_id: 'r', kind: 'measure', profile: 'p', dataset_id: 'd', seed: 1, targets_json: '[]', config_json: '{}', below_production_scale: 1 });
    const rows = phase(40, 9); // 960 rows: ~10 pages of 97
    // A target that appears only from row 500 on, named with SQL and CSV metacharacters.
    for (let i = 500; i < rows.length; i += 7) rows[i]!.target = `o'brien, "x" | y`;
    // The same query id under a second category, from row 700 on (renumbers the dictionary).
    for (let i = 700; i < rows.length; i += 5) rows[i]!.category = 'other_category';
    // Values the integer text path must not take: negative, beyond 2^53, REAL.
    rows[300]!.elapsed_ns = -5;
    rows[450]!.start_ns = 2 ** 53 + 2;
    rows[451]!.start_ns = rows[450]!.start_ns + 1000;
    rows[620]!.elapsed_ns = 17.25;
    for (let i = 452; i < rows.length; i++) rows[i]!.start_ns += 2 ** 53;
    await writeSamples(db, rows);
    const viaRows = sampleColumnsOf(await readSamples(db, 'r', 'measure'));
    for (const pageSize of [97, 500, 100_000]) {
      const counts: ReadCounts = { fast: 0, text: 0, relearned: 0 };
      const cols = await readSampleColumns(db, 'r', 'measure', pageSize, counts);
      expect(cols, `page size ${pageSize}`).toEqual(viaRows);
      if (pageSize === 97) {
        // Both paths were taken: the odd values' pages (rows 300, 450–451, 620 and every page with a start beyond 2^53) by text.
        expect(counts.fast).toBeGreaterThanOrEqual(3);
        expect(counts.text).toBeGreaterThanOrEqual(3);
        // The late target (row 500) and the late category (row 700) were learned on their pages.
        expect(counts.relearned).toBe(2);
        expect(counts.connections).toBe(where === 'file' ? 2 : 1);
      }
    }
    expect(viaRows.targets).toContain(`o'brien, "x" | y`);
    expect(viaRows.queries.filter((q) => q.category === 'other_category').length).toBeGreaterThan(0);
    await db.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
});
