import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { openStore } from '../../lib/store/open.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * FR-006: one misconfigured target aborts the whole run before anything is measured, names the
 * target, and leaves no report. Runs the user's real command, `make all`.
 */
describe('abort when a target is unavailable', () => {
  let blocker: Server;
  let port: number;

  beforeAll(async () => {
    // Hold a port so pglite-wire cannot listen on it.
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('make all exits non-zero at validate, names pglite-wire, measures nothing, renders nothing', async () => {
    const p = await tmpProfile({}, { port });
    const r = spawnSync('make', ['--no-print-directory', 'all', `CONFIG=${p.config}`], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/\[validate\] FAIL pglite-wire .*EADDRINUSE/);
    expect(r.stderr).toMatch(/validate: 1 target\(s\) unavailable, run aborted:\n\s+- pglite-wire:/);
    expect(r.stdout).not.toContain('== seed');
    expect(r.stdout).not.toContain('== measure');

    const db = await openStore(p.store);
    try {
      const runs = await db.all<{ run_id: string }>('SELECT run_id FROM runs');
      expect(runs).toEqual([]);
      const samples = await db.get<{ n: number }>('SELECT count(*) AS n FROM samples');
      expect(samples?.n).toBe(0);
      const v = await db.all<{ stage: string; status: string; exit_code: number }>('SELECT stage, status, exit_code FROM stage_executions ORDER BY id');
      expect(v).toEqual([
        { stage: 'provision', status: 'ok', exit_code: 0 },
        { stage: 'validate', status: 'failed', exit_code: 3 },
      ]);
    } finally {
      await db.close();
    }
    expect(existsSync(p.reports) ? await readdir(p.reports) : []).toEqual([]);
  });

  it('the validate stage itself exits 3', () => {
    return (async () => {
      const p = await tmpProfile({}, { port });
      const r = spawnSync('node', ['--import', 'tsx', 'stages/validate.ts', '--config', p.config], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/ok\s+pglite\s/);
      expect(r.stderr).toMatch(/FAIL pglite-wire/);
    })();
  });
});

describe('abort when the postgres server is not there', () => {
  it('make all with provisioning off fails at validate naming postgres and its address, exit 3 from the stage, no report', async () => {
    // A port nobody listens on: bind, read it, close.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const p = await tmpProfile({ targets: ['postgres', 'pglite'] });
    const { readFile, writeFile } = await import('node:fs/promises');
    const { parse, stringify } = await import('yaml');
    const profile = parse(await readFile(p.config, 'utf8'));
    profile.target_options = { pglite: profile.target_options.pglite, postgres: { provision: 'existing', host: '127.0.0.1', port: deadPort, connect_timeout_s: 3 } };
    await writeFile(p.config, stringify(profile));

    const r = spawnSync('make', ['--no-print-directory', 'all', `CONFIG=${p.config}`], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`FAIL postgres\\s+cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${deadPort}/benchmark`));
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    expect(r.stdout).not.toContain('== seed');
    const db = await openStore(p.store);
    try {
      expect(await db.get<{ exit_code: number }>("SELECT exit_code FROM stage_executions WHERE stage = 'validate'")).toEqual({ exit_code: 3 });
      expect(await db.all('SELECT run_id FROM runs')).toEqual([]);
    } finally {
      await db.close();
    }
    expect(existsSync(p.reports) ? await readdir(p.reports) : []).toEqual([]);
  });
});
