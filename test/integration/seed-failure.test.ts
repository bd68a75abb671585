import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { describe, expect, it } from 'vitest';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { captureOutput } from '../helpers/capture.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * A load that fails inside the engine, in the HNSW index build (as PGlite once did on a fresh
 * clone: "XLogBeginInsert was already called", SQLSTATE XX000). The failure is real, on the real
 * engine: an event trigger of the database itself raises that error when the HNSW index is created.
 */
async function withEngine(dataDir: string, sql: string): Promise<void> {
  const db = await PGlite.create({ dataDir, extensions: { vector } });
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}

const FAIL_HNSW_BUILD = `
  CREATE FUNCTION fail_hnsw_build() RETURNS event_trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF current_query() ILIKE '%USING hnsw%' THEN
      RAISE EXCEPTION 'XLogBeginInsert was already called' USING ERRCODE = 'XX000';
    END IF;
  END $$;
  CREATE EVENT TRIGGER fail_hnsw_build ON ddl_command_start WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION fail_hnsw_build();`;

describe('seed: a load that fails inside the engine', () => {
  it('names the target and the step, leaves nothing measurable, and a re-run of seed recovers', async () => {
    const p = await tmpProfile();
    const argv = ['--config', p.config];
    await expectStagesOk(argv, [provision, validate, seed]);
    await withEngine(p.dataDir, FAIL_HNSW_BUILD);

    const failed = await captureOutput(() => seed([...argv, '--force']));
    expect(failed.result).toBe(1);
    expect(failed.stderr).toContain(
      'seed failed on pglite while building the HNSW index (hnsw(vector_cosine_ops, m=8, ef_construction=32)) on 300 rows: XLogBeginInsert was already called (XX000)',
    );
    expect(failed.stderr).toContain('pglite holds no dataset marker now');
    expect(failed.stderr).toContain('SQLSTATE XX000 is an internal error of the database engine');
    expect(failed.stderr).toContain('Re-run `make seed`');

    // The half-loaded database is refused, not measured.
    const refused = await captureOutput(() => warmup(argv));
    expect(refused.result).toBe(2);
    expect(refused.stderr).toMatch(/pglite: its database holds no pathbench dataset.*Run `make seed` first/s);

    await withEngine(p.dataDir, 'DROP EVENT TRIGGER fail_hnsw_build; DROP FUNCTION fail_hnsw_build();');
    const again = await captureOutput(() => seed(argv));
    expect(again.result, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/pglite: fingerprint ok \(300 rows/);
  });
});
