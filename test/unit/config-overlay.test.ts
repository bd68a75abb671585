import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStageFlags } from '../../lib/config/cli-flags.js';
import { loadConfig, overlayOnto } from '../../lib/config/load.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { ConfigError } from '../../lib/errors.js';

/** --overlay FILE / PB_CONFIG_OVERLAY: a YAML laid over the profile (the bench container's compose-network overlay). */
const THREE_WAY = resolve(PROJECT_ROOT, 'config/three-way.yaml');

async function file(text: string): Promise<string> {
  const f = join(await mkdtemp(join(tmpdir(), 'pathbench-overlay-')), 'o.yaml');
  await writeFile(f, text);
  return f;
}

describe('config overlay', () => {
  it('comes from --overlay, else PB_CONFIG_OVERLAY', () => {
    expect(parseStageFlags([], {}).overlay).toBeUndefined();
    expect(parseStageFlags([], { PB_CONFIG_OVERLAY: 'a.yaml' }).overlay).toBe('a.yaml');
    expect(parseStageFlags(['--overlay', 'b.yaml'], { PB_CONFIG_OVERLAY: 'a.yaml' }).overlay).toBe('b.yaml');
  });

  it('merges mappings key by key, replaces everything else, and CLI flags still win', async () => {
    const o = await file('iterations: 7\ntargets: [postgres]\ntarget_options:\n  postgres:\n    host: postgres\n    port: 5432\n');
    const c = await loadConfig(THREE_WAY, { iterations: 9 }, o);
    expect(c.iterations).toBe(9);
    expect(c.targets).toEqual(['postgres']);
    expect(c.target_options.postgres).toMatchObject({ host: 'postgres', port: 5432, provision: 'docker', maintenance_work_mem: '1GB' });
    expect(overlayOnto({ a: { b: 1, c: 2 }, d: [1] }, { a: { b: 3 }, d: [2] })).toEqual({ a: { b: 3, c: 2 }, d: [2] });
  });

  it('a missing or non-mapping overlay is a config error naming the file and the flag', async () => {
    await expect(loadConfig(THREE_WAY, {}, '/nonexistent/o.yaml')).rejects.toThrow(/cannot read overlay "\/nonexistent\/o.yaml".*--overlay \(or PB_CONFIG_OVERLAY\)/);
    const bad = await file('- a\n- b\n');
    await expect(loadConfig(THREE_WAY, {}, bad)).rejects.toBeInstanceOf(ConfigError);
    await expect(loadConfig(THREE_WAY, {}, bad)).rejects.toThrow(/the overlay must be a YAML mapping/);
  });

  it('an overlay value that breaks a target schema is reported like a profile value', async () => {
    const o = await file('target_options:\n  iris-native:\n    port: "one"\n');
    await expect(loadConfig(THREE_WAY, {}, o)).rejects.toThrow(/target_options\.iris-native\.port: .*\(got "one"\)/);
  });
});
