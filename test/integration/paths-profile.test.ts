import { spawnSync } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { readOverhead } from '../../lib/store/aggregates.js';
import { openStore } from '../../lib/store/open.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { captureOutput } from '../helpers/capture.js';
import { PG_TEST_DB, pgTestDataDir, preparePgTestDatabase, rootAndSocketProblem, skipLiveTests } from '../helpers/postgres.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';
import { freePort } from '../helpers/free-port.js';

/**
 * Issue 16, item 5: config/paths.yaml's own instances and gateway pairs, live, at a small size:
 * every path (TCP, Unix socket, TLS, PgBouncer, pglite, pglite-wire) through every stage, pointed
 * at the test server (PB_PG_DATA / PB_PG_PORT, its test database) and temp directories. The
 * verification pass is the conformance check: every instance must return the same rows.
 * Provision turns TLS on in the test server (by reload) and starts a PgBouncer of its own.
 */
const pgProblem = await preparePgTestDatabase();
const serverPort = Number(process.env.PB_PG_PORT ?? 5433);
const socketDir = `${pgTestDataDir()}.sock`;
const skip = skipLiveTests('config/paths.yaml', pgProblem ?? rootAndSocketProblem());

describe.skipIf(skip)('config/paths.yaml, every path live at a small size', () => {
  let p: TmpProfile;
  let bouncerPort: number;
  let bouncerDir: string;
  let runId: string;

  beforeAll(async () => {
    bouncerPort = await freePort();
    p = await tmpProfile();
    await chmod(p.dir, 0o755); // PgBouncer runs as the postgres user, which must traverse it
    bouncerDir = join(p.dir, 'pgbouncer');
    const profile = parse(await readFile(join(PROJECT_ROOT, 'config/paths.yaml'), 'utf8')) as Record<string, any>;
    const server = { data_dir: pgTestDataDir(), database: PG_TEST_DB, port: serverPort };
    for (const t of profile.targets) {
      if (typeof t !== 'object') continue;
      Object.assign(t, server);
      if (t.host) t.host = socketDir;
      if (t.via === 'pgbouncer') Object.assign(t, { port: bouncerPort, pgbouncer: { ...t.pgbouncer, server_port: serverPort, dir: bouncerDir } });
    }
    Object.assign(profile.target_options.postgres, server);
    profile.target_options.pglite.data_dir = p.dataDir;
    profile.target_options['pglite-wire'].data_dir = p.dataDir;
    const small = parse(await readFile(p.config, 'utf8')) as Record<string, unknown>;
    for (const k of ['vector_dims', 'dataset_size', 'iterations', 'warmup', 'warmup_max_s', 'query_vector_pool', 'hnsw', 'store', 'reports_dir']) profile[k] = small[k];
    await writeFile(p.config, stringify(profile));
    for (const [stage, extra] of [[provision], [validate], [seed, ['--force']], [warmup], [measure], [aggregate], [render]] as [(a: string[]) => Promise<number>, string[]?][]) {
      const { result, stderr } = await captureOutput(() => stage(['--config', p.config, ...(extra ?? [])]));
      expect(result, stderr).toBe(0);
    }
    const db = await openStore(p.store);
    runId = (await db.get<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'measure'"))!.run_id;
    await db.close();
  }, 600_000);

  afterAll(() => {
    if (!skip && bouncerPort) spawnSync(join(PROJECT_ROOT, 'scripts/pgbouncer-local.sh'), ['stop'], { env: { ...process.env, PB_BOUNCER_PORT: String(bouncerPort), PB_BOUNCER_DIR: bouncerDir } });
  });

  it('every instance returns the same rows and is measured; each gateway pair has an overhead row with a CI', async () => {
    const db = await openStore(p.store);
    try {
      const names = ['postgres', 'pg-socket', 'pg-tls', 'pg-bouncer', 'pglite', 'pglite-wire'];
      const measured = (await db.all<{ target: string }>("SELECT DISTINCT target FROM samples WHERE run_id = ? AND phase = 'measure' AND ok = 1", [runId])).map((r) => r.target);
      expect(measured.sort()).toEqual([...names].sort());
      const verdicts = await db.all<{ target: string; verdict: string }>("SELECT DISTINCT target, verdict FROM verification_summary WHERE run_id = ? AND verdict <> 'ok'", [runId]);
      expect(verdicts).toEqual([]);
      const overall = (await readOverhead(db, runId)).filter((o) => o.key === 'all');
      expect(overall.map((o) => `${o.gateway}/${o.native}`).sort()).toEqual(['pg-bouncer/postgres', 'pg-tls/postgres', 'pglite-wire/pglite', 'postgres/pg-socket']);
      for (const o of overall) {
        expect(o.low_ms, `${o.gateway} vs ${o.native}`).not.toBeNull();
        expect(o.low_ms!).toBeLessThanOrEqual(o.high_ms!);
      }
    } finally {
      await db.close();
    }
  });
});
