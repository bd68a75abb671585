import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { loadConfig } from '../../lib/config/load.js';
import { prepareCalls } from '../../lib/measure/prepare.js';
import { prepareSessions, workloadShape } from '../../lib/pipeline/session-setup.js';
import { closeSessions, loadTargets, openSessions } from '../../lib/pipeline/targets.js';
import { QUERY_MODES, type QueryMode } from '../../lib/targets/query-mode.js';
import { QUERIES } from '../../lib/workload/queries.js';
import { expectStagesOk } from '../helpers/stages.js';
import { REQUIRE_POSTGRES, pgTestTargetOptions, preparePgTestDatabase } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * The three statement protocols (query_mode), live on PostgreSQL and on PGlite-wire: every measured
 * query returns the same rows in every mode, and each mode really sends what it says (counted at
 * node-postgres's Connection: Parse messages for the extended protocol, Query messages for the
 * simple one). In CI (CI=true) a missing PostgreSQL fails the suite.
 */
const pgProblem = await preparePgTestDatabase();
if (pgProblem && REQUIRE_POSTGRES) throw new Error(`query-mode tests need PostgreSQL here (CI=true): ${pgProblem}`);
if (pgProblem) process.stderr.write(`query-mode tests on postgres skipped: ${pgProblem}. Set CI=true to require them.\n`);
const TARGETS = pgProblem ? ['pglite-wire'] : ['postgres', 'pglite-wire'];
// More than 5 executions per statement: PostgreSQL may switch a prepared statement to a generic plan after 5.
const ITERATIONS = 8;

interface Sent {
  parse: number;
  simple: number;
  names: Set<string>;
}

describe(`query modes on ${TARGETS.join(', ')}`, () => {
  let p: TmpProfile;

  beforeAll(async () => {
    p = await tmpProfile({ targets: TARGETS, dataset_size: 400, iterations: 4, warmup: 1 });
    const profile = parse(await readFile(p.config, 'utf8'));
    if (TARGETS.includes('postgres')) profile.target_options.postgres = pgTestTargetOptions();
    delete profile.target_options.pglite;
    await writeFile(p.config, stringify(profile));
    await expectStagesOk(['--config', p.config], [provision, validate, seed]);
  });

  afterEach(() => vi.restoreAllMocks());

  /** Rows of every measured query × iteration on `target` in `mode`, and what the driver sent for them. */
  async function runAll(target: string, mode: QueryMode): Promise<{ rows: Map<string, unknown[][]>; sent: Sent; calls: { sql: string; params: readonly unknown[] }[] }> {
    const config = await loadConfig(p.config);
    config.targets = [target];
    config.target_options[target] = { ...config.target_options[target], query_mode: mode };
    const open = await openSessions(await loadTargets(config, '/'), 'test');
    try {
      const pools = await prepareSessions(config, open);
      const [prepared] = prepareCalls(open, pools, QUERIES, workloadShape(config), 'verify', ITERATIONS);
      const sent: Sent = { parse: 0, simple: 0, names: new Set() };
      const parseSpy = vi.spyOn(pg.Connection.prototype, 'parse').mockImplementation(function (this: pg.Connection, q: pg.QueryParse, more: boolean) {
        sent.parse++;
        if (q.name) sent.names.add(q.name);
        return originalParse.call(this, q, more);
      });
      const querySpy = vi.spyOn(pg.Connection.prototype, 'query').mockImplementation(function (this: pg.Connection, text: string) {
        sent.simple++;
        return originalQuery.call(this, text as never);
      });
      const rows = new Map<string, unknown[][]>();
      const calls: { sql: string; params: readonly unknown[] }[] = [];
      try {
        for (const [qi, q] of QUERIES.entries()) {
          for (const [i, call] of prepared!.calls[qi]!.entries()) {
            const r = await open[0]!.session.query(call.sql, call.params);
            rows.set(`${q.id} #${i}`, r.rows);
            calls.push(call);
          }
        }
      } finally {
        parseSpy.mockRestore();
        querySpy.mockRestore();
      }
      return { rows, sent, calls };
    } finally {
      await closeSessions(open);
    }
  }
  const originalParse = pg.Connection.prototype.parse;
  const originalQuery = pg.Connection.prototype.query;
  const totalCalls = QUERIES.length * ITERATIONS;

  for (const target of TARGETS) {
    it(`${target}: every query returns the same rows in all three modes, and each mode sends its protocol`, async () => {
      const results = new Map<QueryMode, Awaited<ReturnType<typeof runAll>>>();
      for (const mode of QUERY_MODES) results.set(mode, await runAll(target, mode));

      const extended = results.get('extended')!;
      expect(extended.rows.size).toBe(totalCalls);
      for (const mode of ['simple', 'prepared'] as const) {
        const other = results.get(mode)!;
        for (const [key, rows] of extended.rows) {
          expect(other.rows.get(key), `${target} ${mode} ${key}`).toEqual(rows);
        }
      }

      // extended: one Parse per call, no simple Query message, no named statement.
      expect(extended.sent).toMatchObject({ parse: totalCalls, simple: 0 });
      expect(extended.sent.names.size).toBe(0);
      // prepared: one Parse per distinct statement text, each named; never a simple Query.
      const prepared = results.get('prepared')!;
      const texts = new Set(prepared.calls.map((c) => c.sql));
      expect(prepared.sent).toMatchObject({ parse: texts.size, simple: 0 });
      expect(prepared.sent.names.size).toBe(texts.size);
      // simple: one Query message per call, no Parse; the parameters are in the text.
      const simple = results.get('simple')!;
      expect(simple.sent).toMatchObject({ parse: 0, simple: totalCalls });
      expect(simple.calls.every((c) => c.params.length === 0 && !/\$\d/.test(c.sql))).toBe(true);
    });
  }
});
