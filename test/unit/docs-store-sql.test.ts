import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fences } from '../../lib/docs/markdown.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { quantileSorted } from '../../lib/stats/quantile.js';
import { openStore } from '../../lib/store/open.js';
import type { SqliteDb } from '../../lib/store/sqlite.js';

/**
 * The SQL of docs/store.md runs on the current schema (a renamed column breaks this test, not a
 * reader's analysis), and its p50 recomputation agrees with pathbench's own percentile.
 */
const blocks = fences(readFileSync(join(PROJECT_ROOT, 'docs/store.md'), 'utf8')).filter((f) => f.info === 'sql');
const statements = (sql: string) => sql.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);

describe('docs/store.md SQL', () => {
  let dir: string;
  let db: SqliteDb;
  const latencies = new Map<string, number[]>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pathbench-docs-sql-'));
    db = await openStore(join(dir, 'bench.sqlite'));
    await db.run(
      `INSERT INTO runs (run_id, kind, status, created_at, profile, dataset_id, seed, targets_json, config_json, below_production_scale)
       VALUES ('20261205-000000-abcd', 'measure', 'complete', '2026-12-05T00:00:00.000Z', 'docs', 'ds-x', 42, '["a","b"]', '{}', 1)`,
    );
    // Deterministic, unequal latencies; an odd and an even count, so both interpolation cases occur.
    const rows: (string | number)[][] = [];
    for (const [target, n] of [['a', 37], ['b', 200]] as const) {
      for (const query of ['q1', 'q2']) {
        const ms: number[] = [];
        for (let i = 0; i < n; i++) {
          const ns = 100_000 + ((i * 7919 + query.length * 104_729 + n * 31) % 9_973) * 1_013;
          ms.push(ns / 1e6);
          rows.push(['20261205-000000-abcd', target, query, 'simple', 'measure', i, i * 1_000_000, ns, 1, 1]);
        }
        latencies.set(`${target}/${query}`, ms.sort((x, y) => x - y));
      }
    }
    await db.insertMany('samples', ['run_id', 'target', 'query_id', 'category', 'phase', 'iteration', 'start_ns', 'elapsed_ns', 'row_count', 'ok'], rows);
  });

  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has SQL examples', () => expect(blocks.length).toBeGreaterThanOrEqual(3));

  for (const block of blocks) {
    it(`the block at docs/store.md:${block.line} runs on the current schema`, async () => {
      for (const sql of statements(block.body)) await expect(db.all(sql)).resolves.toBeDefined();
    });
  }

  it('the p50 (and, edited as the page says, p99) recomputation equals pathbench\'s percentile', async () => {
    const p50 = blocks.find((b) => b.body.includes('(n - 1) * 0.5'));
    expect(p50, 'the p50 example').toBeDefined();
    for (const p of [0.5, 0.99]) {
      const sql = p50!.body.replaceAll('(n - 1) * 0.5', `(n - 1) * ${p}`);
      const rows = await db.all<{ target: string; query_id: string; n: number; p50_ms: number }>(statements(sql)[0]!);
      expect(rows).toHaveLength(4);
      for (const r of rows) expect(r.p50_ms, `${r.target}/${r.query_id} p${p * 100}`).toBe(Number(quantileSorted(latencies.get(`${r.target}/${r.query_id}`)!, p).toFixed(3)));
    }
  });
});
