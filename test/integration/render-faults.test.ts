import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { captureOutput } from '../helpers/capture.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/**
 * Render faults (issue 17): a real directory named reports/latest is refused before anything is
 * written and nothing is left behind; a read-only reports file system is named as such (a
 * read-only tmpfs mounted for the test: root only, which CI is).
 */
describe('render faults', () => {
  let p: TmpProfile;
  const ro = join(tmpdir(), `pb-readonly-${process.pid}`);
  let mounted = false;

  beforeAll(async () => {
    p = await tmpProfile({ targets: ['pglite'], dataset_size: 300, iterations: 4, warmup: 1 });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup, measure, aggregate]);
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [ro]);
  });

  it('a real directory at reports/latest: refused up front (exit 2), nothing written, nothing left behind', async () => {
    await mkdir(join(p.reports, 'latest', 'mine'), { recursive: true });
    await writeFile(join(p.reports, 'latest', 'mine', 'notes.txt'), 'keep me');
    const { result, stderr } = await captureOutput(() => render(['--config', p.config]));
    expect(result, stderr).toBe(2);
    expect(stderr).toMatch(/latest is a directory, not the symlink render keeps pointing at the newest report; move it away/);
    expect((await readdir(p.reports)).sort()).toEqual(['latest']);
    expect(await readFile(join(p.reports, 'latest', 'mine', 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('a read-only file system is reported as read-only, not as a missing directory', async () => {
    if (process.getuid?.() !== 0) {
      if (process.env.CI === 'true') throw new Error('this test mounts a read-only tmpfs and needs root (CI runs as root)');
      process.stderr.write('read-only render test skipped: needs root to mount a read-only tmpfs\n');
      return;
    }
    await mkdir(ro, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]);
    mounted = true;
    const dir = await mkdtemp(join(tmpdir(), 'pb-ro-profile-'));
    const config = join(dir, 'profile.yaml');
    await writeFile(config, (await readFile(p.config, 'utf8')).replace(/^reports_dir: .*$/m, `reports_dir: ${join(ro, 'reports', 'deeper')}`));
    const { result, stderr } = await captureOutput(() => render(['--config', config]));
    expect(result, stderr).toBe(1);
    expect(stderr).toMatch(/cannot create the report directory under .*deeper: read-only file system at .*pb-readonly-\d+ \(EROFS\); set reports_dir to a writable directory/);
    expect(existsSync(join(ro, 'reports'))).toBe(false);
  });
});
