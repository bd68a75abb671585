import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as measure } from '../../stages/measure.js';
import { main as runs } from '../../stages/runs.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { loadConfig } from '../../lib/config/load.js';
import { lockPaths } from '../../lib/pipeline/run-lock.js';
import { openStore } from '../../lib/store/open.js';
import { captureOutput } from '../helpers/capture.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * One measurement at a time (issue 17): a second measuring stage on the same store or the same
 * database is refused (exit 2, naming the holder); a lock whose process is gone is taken over with
 * a warning; a SIGKILLed stage's rows become 'abandoned'. Real processes throughout.
 */
const sleeper = (): ChildProcess => spawn('sleep', ['60'], { stdio: 'ignore' });
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

describe('run lock and abandoned stages', () => {
  let p: TmpProfile;
  let args: string[];

  beforeAll(async () => {
    p = await tmpProfile({ targets: ['pglite'], dataset_size: 300, iterations: 5, warmup: 1 });
    args = ['--config', p.config];
    await expectStagesOk(args, [provision, validate, seed, warmup]);
  });

  it('refuses a second measuring stage while the store or the database is held by a live process, naming it', async () => {
    const paths = await lockPaths(await loadConfig(p.config), PROJECT_ROOT);
    expect(paths.map((x) => x.what)).toEqual([expect.stringMatching(/^store /), expect.stringMatching(/^database pglite:/)]);
    const measureRows = async () => {
      const db = await openStore(p.store);
      const n = await db.get<{ n: number }>("SELECT count(*) AS n FROM stage_executions WHERE stage IN ('measure', 'seed')");
      await db.close();
      return n?.n ?? 0;
    };
    for (const { path, what } of paths) {
      const before = await measureRows();
      const holder = sleeper();
      try {
        await writeFile(path, JSON.stringify({ pid: holder.pid, host: hostname(), stage: 'measure', started_at: '2026-12-05T12:00:00.000Z', what }));
        for (const stage of [measure, seed]) {
          const { result, stderr } = await captureOutput(() => stage(args));
          expect(result, stderr).toBe(2);
          expect(stderr).toContain(`${what} is in use by measure (pid ${holder.pid} on ${hostname()}, started 2026-12-05T12:00:00.000Z)`);
        }
        // refused before touching the store: no execution row for the refused stages
        expect(await measureRows()).toBe(before);
      } finally {
        holder.kill();
        await exited(holder);
      }
      // the holder is gone: the next stage takes the stale lock over, says so, and leaves no lock behind
      const { result, stderr } = await captureOutput(() => measure(args));
      expect(result, stderr).toBe(0);
      expect(stderr).toMatch(new RegExp(`warning: taking over a stale lock on ${what.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: measure \\(pid \\d+`));
      expect(existsSync(path)).toBe(false);
    }
  });

  it('a SIGKILLed measure is marked abandoned by the next stage, and make runs shows it', async () => {
    const profile = (await readFile(p.config, 'utf8')).replace(/^iterations: .*$/m, 'iterations: 100000');
    const big = p.config.replace(/\.yaml$/, '-long.yaml');
    await writeFile(big, profile);
    const child = spawn(process.execPath, ['--import', 'tsx', 'stages/measure.ts', '--config', big], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    try {
      // wait until its run is being measured
      for (let i = 0; i < 600; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const db = await openStore(p.store);
        const r = await db.get<{ n: number }>("SELECT count(*) AS n FROM runs WHERE kind = 'measure' AND status = 'running'");
        await db.close();
        if ((r?.n ?? 0) > 0) break;
      }
      child.kill('SIGKILL');
      await exited(child);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const { result, stdout, stderr } = await captureOutput(() => runs(args));
    expect(result, stderr).toBe(0);
    expect(stderr).toMatch(/note: measure started .* \(run \S+\) marked abandoned: pid \d+ is gone/);
    expect(stdout).toMatch(/measure\s+\|\s+abandoned/);
    const db = await openStore(p.store);
    const rows = await db.all<{ status: string; error: string }>("SELECT status, error FROM stage_executions WHERE stage = 'measure' ORDER BY id");
    await db.close();
    expect(rows.at(-1)).toMatchObject({ status: 'abandoned', error: expect.stringMatching(/ended without finishing/) });
    // and the next measure takes its stale locks over instead of refusing
    const again = await captureOutput(() => measure(args));
    expect(again.result, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/taking over a stale lock on store/);
  });
});
