import { beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { loadConfig } from '../../lib/config/load.js';
import { closeSessions, loadTargets, openSessions, type OpenTarget } from '../../lib/pipeline/targets.js';
import { prepareSessions, workloadShape } from '../../lib/pipeline/session-setup.js';
import { openStore } from '../../lib/store/open.js';
import { paramSequence } from '../../lib/workload/params.js';
import { QUERIES, type QueryTemplate } from '../../lib/workload/queries.js';
import { idsHash, idsOf, isoFromTimestampText, resultHash } from '../../lib/verify/result-hash.js';
import { isKnn } from '../../lib/verify/verification-pass.js';
import { captureOutput } from '../helpers/capture.js';
import { expectStagesOk } from '../helpers/stages.js';
import { pgTestTargetOptions, preparePgTestDatabase, skipLiveTests } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * One conformance suite over every target (Kysely-style): the same pipeline, the same queries and
 * the same checks for each. PATHBENCH_TEST_TARGETS narrows the list. `postgres` needs a server: in
 * CI (CI=true) its absence fails the suite; on a developer machine it is skipped with one line.
 */
const requested = (process.env.PATHBENCH_TEST_TARGETS ?? 'pglite,pglite-wire,postgres').split(',').map((s) => s.trim()).filter(Boolean);
const pgProblem = requested.includes('postgres') ? await preparePgTestDatabase() : undefined;
skipLiveTests('postgres conformance', pgProblem);
const targets = requested.filter((t) => t !== 'postgres' || !pgProblem);

/**
 * Result rows compared across paths: drivers differ in types (pg returns bigint as a string,
 * PGlite as a number; timestamps: text from pg, a Date from PGlite), and distances computed by different pgvector builds differ in the
 * last float bits — so numbers compare with a relative tolerance of 1e-5, everything else exactly.
 */
function normalize(v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/.test(v)) return Number(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  // pg paths keep timestamps as text (lib/targets/pg-session.ts); PGlite in process returns a Date.
  if (typeof v === 'string') return isoFromTimestampText(v) ?? v;
  return v;
}
/** The hash the verification pass records for a read query's rows (lib/verify/verification-pass.ts). */
function verificationHash(q: QueryTemplate, rows: unknown[][]): string {
  return isKnn(q) ? idsHash(idsOf(rows)) : resultHash(rows);
}
function sameRows(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, i) => {
    const other = b[i]!;
    return row.length === other.length && row.every((x, j) => {
      const p = normalize(x);
      const q = normalize(other[j]);
      if (typeof p === 'number' && typeof q === 'number') return Math.abs(p - q) <= 1e-5 * Math.max(1, Math.abs(p), Math.abs(q));
      return p === q;
    });
  });
}

describe(`conformance over ${targets.join(', ')}`, () => {
  let p: TmpProfile;
  let args: string[];

  beforeAll(async () => {
    p = await tmpProfile({ targets, dataset_size: 400, iterations: 6, warmup: 2 }, {});
    const { writeFile, readFile } = await import('node:fs/promises');
    const { parse, stringify } = await import('yaml');
    const profile = parse(await readFile(p.config, 'utf8'));
    if (targets.includes('postgres')) profile.target_options.postgres = pgTestTargetOptions();
    for (const t of Object.keys(profile.target_options)) if (!targets.includes(t)) delete profile.target_options[t];
    await writeFile(p.config, stringify(profile));
    args = ['--config', p.config];
  });

  it('every stage succeeds on every target, and the fingerprints read back through each path match', async () => {
    await expectStagesOk(args, [provision, validate, seed, warmup, measure, aggregate]);
    const db = await openStore(p.store);
    try {
      const fps = await db.all<{ target: string; matches: number; row_count: number }>('SELECT target, matches, row_count FROM dataset_fingerprints ORDER BY target');
      expect(fps.map((f) => f.target)).toEqual([...targets].sort());
      for (const f of fps) expect(f, f.target).toMatchObject({ matches: 1, row_count: 400 });
      const bad = await db.all<{ target: string; query_id: string; error: string }>("SELECT target, query_id, error FROM samples WHERE ok = 0 LIMIT 5");
      expect(bad).toEqual([]);
      const env = await db.get<{ environment_json: string }>("SELECT environment_json FROM runs WHERE kind = 'measure'");
      const parsed = JSON.parse(env!.environment_json);
      for (const t of targets) {
        expect(parsed.targets[t].server_version, t).toMatch(/\d+\.\d+/);
        expect(parsed.targets[t].pgvector_version, t).toMatch(/^0\.\d+\.\d+/);
        expect(parsed.targets[t].settings, t).toContain('hnsw.ef_search=40');
      }
    } finally {
      await db.close();
    }
  });

  it('deterministic queries return the same rows on every path; kNN queries return k rows', async () => {
    const config = await loadConfig(p.config);
    const open: OpenTarget[] = await openSessions(await loadTargets(config, '/'), 'test');
    try {
      const pools = await prepareSessions(config, open);
      for (const q of QUERIES) {
        const params = paramSequence(workloadShape(config), 'verify', q.id, 3);
        for (const [i, logical] of params.entries()) {
          const results = new Map<string, unknown[][]>();
          for (const t of open) {
            const bound = logical.map((v) => (typeof v === 'object' && 'vector' in v ? pools.get(t.id)![v.vector] : v));
            const r = await t.session.query(t.module.dialect[q.id]!, bound);
            if (q.category === 'vector_similarity' || q.id === 'vector_filter') expect(r.rowCount, `${t.id} ${q.id}`).toBe(config.k);
            results.set(t.id, r.rows);
          }
          // Approximate (HNSW) queries may legitimately return different rows per engine: recall
          // against exact ground truth is the check for those, not equality.
          if (!q.deterministic) continue;
          const [first, ...rest] = [...results.entries()];
          for (const [id, rows] of rest) {
            expect(sameRows(first![1], rows), `${q.id} #${i}: ${first![0]} ${JSON.stringify(first![1]).slice(0, 300)} vs ${id} ${JSON.stringify(rows).slice(0, 300)}`).toBe(true);
            // The verification pass's hash too (kNN: by ids), across the timestamps' forms.
            expect(verificationHash(q, rows), `${q.id} #${i}: verification hash of ${id} vs ${first![0]}`).toBe(verificationHash(q, first![1]));
          }
          if (q.id === 'join') {
            // created_at: a Date from PGlite in process, the server's text through pg (lib/targets/pg-session.ts).
            for (const [id, rows] of results) expect(typeof rows[0]![3], id).toBe(id === 'pglite' ? 'object' : 'string');
          }
        }
      }
    } finally {
      await closeSessions(open);
    }
  });
});

describe.runIf(targets.includes('postgres'))('postgres lost during measure', () => {
  it('aborts the run with exit 3, marks it failed, and render refuses to report it', async () => {
    const pg = (await import('pg')).default;
    const { pgTestServer, PG_TEST_DB } = await import('../helpers/postgres.js');
    const { readFile, writeFile } = await import('node:fs/promises');
    const { parse, stringify } = await import('yaml');
    const { existsSync } = await import('node:fs');
    const { main: render } = await import('../../stages/render.js');

    const p = await tmpProfile({ targets: ['postgres'], dataset_size: 300, iterations: 20_000, warmup: 1 });
    const profile = parse(await readFile(p.config, 'utf8'));
    profile.target_options = { postgres: pgTestTargetOptions() };
    await writeFile(p.config, stringify(profile));
    const args = ['--config', p.config];
    await expectStagesOk(args, [provision, validate, seed, warmup]);

    const admin = new pg.Client({ ...pgTestServer(), database: 'postgres' });
    await admin.connect();
    try {
      const measuring = captureOutput(() => measure(args));
      // Wait for the measuring session, then kill it from the server side.
      let killed = 0;
      for (let i = 0; i < 200 && killed === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const r = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pathbench' AND datname = $1 AND pid <> pg_backend_pid()",
          [PG_TEST_DB],
        );
        killed = r.rowCount ?? 0;
      }
      expect(killed).toBeGreaterThan(0);
      const { result, stderr } = await measuring;
      expect(result, stderr).toBe(3);
      expect(stderr).toMatch(/postgres: lost during /);
    } finally {
      await admin.end();
    }
    const db = await openStore(p.store);
    try {
      const run = await db.get<{ status: string; error: string }>("SELECT status, error FROM runs WHERE kind = 'measure'");
      expect(run?.status).toBe('failed');
      expect(run?.error).toMatch(/postgres/);
    } finally {
      await db.close();
    }
    const { result } = await captureOutput(() => render(args));
    expect(result).toBe(2);
    expect(existsSync(p.reports)).toBe(false);
  });
});
