import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as compare } from '../../stages/compare.js';
import { main as exportRun } from '../../stages/export.js';
import { main as render } from '../../stages/render.js';
import { main as report } from '../../stages/report.js';
import { captureOutput } from '../helpers/capture.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The commands that only read measurements refuse a store file that does not exist, naming its
 * path, with exit 2, and create nothing: opening a store creates it, and a mistyped --store used to
 * leave an empty store behind (found when an offline aggregate from another directory created three
 * in the project root) before failing with "no such measurement run".
 */
describe('a read-only command on a store that does not exist', () => {
  for (const [name, stage] of [['aggregate', aggregate], ['render', render], ['compare', compare], ['report', report], ['export', exportRun]] as const) {
    it(`${name}: exit 2, the path named, no file created`, async () => {
      const p = await tmpProfile();
      const missing = join(p.dir, 'no-such-store.sqlite');
      const { result, stderr } = await captureOutput(() => stage(['--config', p.config, '--store', missing]));
      expect(result, stderr).toBe(2);
      expect(stderr).toContain(`[${name}] error: ${name}: no store at ${missing} (the config's store:, or --store`);
      expect(stderr).toContain('Run `make measure` first.');
      expect(existsSync(missing)).toBe(false);
    });
  }
});
