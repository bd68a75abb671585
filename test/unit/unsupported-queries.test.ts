import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonQueries, queriesFor } from '../../lib/pipeline/query-probe.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import { groupLatencies } from '../../lib/stats/latency-groups.js';
import { summarizeColumns } from '../../lib/stats/summarize-columns.js';
import { withoutQueries } from '../../lib/stats/without-queries.js';
import { openStore } from '../../lib/store/open.js';
import type { SampleColumns } from '../../lib/store/sample-columns.js';
import { MIGRATIONS } from '../../lib/store/schema.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { notSupportedText, readUnsupportedQueries, writeUnsupportedQueries } from '../../lib/store/unsupported-queries.js';
import { QUERIES } from '../../lib/workload/queries.js';

/** The pieces of "not supported on this path" that need no database (the live test: test/integration/unsupported-queries.test.ts). */

const MIGRATION = MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE unsupported_queries'));

describe('store', () => {
  it('a store from before the table migrates, and its runs read as having no unsupported query', async () => {
    expect(MIGRATION).toBeGreaterThan(0);
    const file = join(await mkdtemp(join(tmpdir(), 'pb-unsupported-')), 'bench.sqlite');
    const old = await SqliteDb.open(file);
    for (const m of MIGRATIONS.slice(0, MIGRATION)) await old.exec(m);
    await old.exec(`PRAGMA user_version = ${MIGRATION}`);
    await old.run(
      "INSERT INTO runs (run_id, kind, status, created_at, profile, dataset_id, seed, targets_json, config_json, below_production_scale) VALUES ('r1', 'measure', 'complete', '2026-01-01T00:00:00Z', 'p', 'd', 1, '[\"postgres\"]', '{}', 1)",
    );
    await old.close();
    const db = await openStore(file);
    try {
      expect(await readUnsupportedQueries(db, 'r1')).toEqual([]);
      const row = { run_id: 'r1', target: 'iris-pgwire', query_id: 'vector_l2', reason: 'declared', error: 'ERROR: <->' };
      await writeUnsupportedQueries(db, [row]);
      await writeUnsupportedQueries(db, []);
      expect(await readUnsupportedQueries(db, 'r1')).toEqual([row]);
      expect(notSupportedText(row)).toBe('not supported on this path: ERROR: <->');
    } finally {
      await db.close();
    }
  });
});

describe('which queries each phase runs', () => {
  const target = (id: string, unsupported: string[] = []) => ({ id, unsupported: new Map(unsupported.map((q) => [q, 'err'])) }) as unknown as OpenTarget;

  it('per-query phases skip a query only on the path that cannot run it; mixed streams leave it out for everyone', () => {
    const a = target('a', ['vector_l2']);
    const b = target('b');
    expect(queriesFor(a, QUERIES).map((q) => q.id)).not.toContain('vector_l2');
    expect(queriesFor(b, QUERIES)).toHaveLength(QUERIES.length);
    expect(queriesFor({ id: 'before-probe' } as unknown as OpenTarget, QUERIES)).toHaveLength(QUERIES.length);
    const common = commonQueries([a, b, target('c', ['vector_l2', 'join'])], QUERIES);
    expect(common.queries.map((q) => q.id)).toEqual(['simple_select_all', 'simple_select_id', 'simple_count', 'vector_cosine', 'vector_inner_product', 'vector_filter']);
    expect(common.leftOut).toEqual(['vector_l2 (not supported on a, c)', 'join (not supported on c)']);
  });
});

describe('leaving queries out of category and overall figures', () => {
  /** Two targets interleaved, three queries; target 1 never ran q2. */
  function columns(): SampleColumns {
    const queries = [{ id: 'q0', category: 'c0' }, { id: 'q1', category: 'c0' }, { id: 'q2', category: 'c0' }];
    const rows: [number, number, number][] = [];
    let t0 = 0;
    for (let i = 0; i < 20; i++) {
      for (let q = 0; q < 3; q++) {
        for (let t = 0; t < 2; t++) {
          if (t === 1 && q === 2) continue;
          const ms = 1 + q + t * 0.5 + (i % 5) * 0.1;
          rows.push([t, q, ms]);
        }
      }
    }
    const n = rows.length;
    const cols: SampleColumns = {
      length: n, targets: ['t0', 't1'], queries,
      target: Uint16Array.from(rows, (r) => r[0]), query: Uint16Array.from(rows, (r) => r[1]),
      iteration: Int32Array.from(rows, (_, i) => Math.floor(i / 5)), startNs: new Float64Array(n), elapsedNs: Float64Array.from(rows, (r) => r[2] * 1e6), ok: new Uint8Array(n).fill(1),
    };
    for (let i = 0; i < n; i++) (cols.startNs[i] = t0, (t0 += cols.elapsedNs[i]! + 1000));
    return cols;
  }

  it('category and overall rows of every target cover the same queries; query rows stay; latency figures equal those of the filtered samples', () => {
    const cols = columns();
    const leaveOut = new Set(['q2']);
    const { aggregates, spectrum } = summarizeColumns('r', cols, groupLatencies(cols, leaveOut), leaveOut);
    const filtered = withoutQueries(cols, leaveOut);
    expect(filtered.length).toBe(80);
    const plain = summarizeColumns('r', filtered);
    const pick = (rows: typeof aggregates, level: string) => rows.filter((a) => a.level === level).map(({ qps_wall: _, ...rest }) => rest);
    expect(pick(aggregates, 'overall')).toEqual(pick(plain.aggregates, 'overall'));
    expect(pick(aggregates, 'category')).toEqual(pick(plain.aggregates, 'category'));
    expect(spectrum).toEqual(plain.spectrum);
    expect(aggregates.filter((a) => a.level === 'overall').map((a) => a.count)).toEqual([40, 40]);
    expect(aggregates.find((a) => a.level === 'query' && a.target === 't0' && a.key === 'q2')!.count).toBe(20);
    // without leaveOut, t0's overall would include q2
    expect(summarizeColumns('r', cols).aggregates.find((a) => a.level === 'overall' && a.target === 't0')!.count).toBe(60);
  });

  it('nothing to leave out: the same columns and the same figures', () => {
    const cols = columns();
    expect(withoutQueries(cols, new Set())).toBe(cols);
    expect(summarizeColumns('r', cols, groupLatencies(cols, new Set()), new Set())).toEqual(summarizeColumns('r', cols));
  });
});
