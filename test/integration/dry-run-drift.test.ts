import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { dryRunListing } from '../../lib/dry-run/dry-run.js';
import { splitScript } from '../../lib/targets/bind.js';
import type { Session, TargetModule } from '../../lib/targets/interface.js';
import { loadTarget, registerTarget, targetOptionsSchema } from '../../lib/targets/registry.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * The dry run must never drift from what the stages send. This runs the real seed and measure
 * through PGlite with every statement handed to the session recorded (target `pglite-sent`: the
 * pglite target, sessions wrapped), and compares the distinct statements each stage sent with
 * the statements its --dry-run lists for the same profile.
 */
const sent: string[] = [];

function recorded(s: Session): Session {
  return {
    ...s,
    query: (sql, params) => (sent.push(sql), s.query(sql, params)),
    exec: (sql) => (sent.push(sql), s.exec(sql)),
    loadVectors: (sql, batches, onBatch) => (sent.push(sql), s.loadVectors(sql, batches, onBatch)),
    loadMetadata: (sql, chunks) => (sent.push(sql), s.loadMetadata(sql, chunks)),
  };
}

registerTarget('pglite-sent', {
  optionsSchema: targetOptionsSchema('pglite')!,
  load: async () => {
    const base = await loadTarget('pglite');
    return { ...base, id: 'pglite-sent', open: async (ctx) => recorded(await base.open(ctx)) } satisfies TargetModule;
  },
});

/** Statements as the listing prints them: scripts split, whitespace folded, `;` added. */
const norm = (sql: string) => splitScript(sql).map((x) => `${x.replace(/\s+/g, ' ').trim()};`);
/** The SQL statements of a listing (every line not starting with `--`, statements ending in `;`). */
function listed(text: string): Set<string> {
  const out = new Set<string>();
  let cur = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('--') || line.trim() === '') continue;
    cur += ` ${line}`;
    if (line.trimEnd().endsWith(';')) {
      out.add(cur.replace(/\s+/g, ' ').trim());
      cur = '';
    }
  }
  return out;
}

describe('--dry-run lists what the stages send (PGlite, real stages)', () => {
  it('seed and measure: the same distinct statements', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'pathbench-drift-')), 'pglite');
    const p = await tmpProfile({ targets: ['pglite-sent'], target_options: { 'pglite-sent': { data_dir: dataDir } }, verify_queries: 2 });
    const cfg = await loadConfig(p.config);
    const argv = ['--config', p.config];
    await expectStagesOk(argv, [provision, validate]);

    sent.length = 0;
    await expectStagesOk(argv, [seed]);
    expect(listed(await dryRunListing('seed', cfg, PROJECT_ROOT))).toEqual(new Set(sent.flatMap(norm)));

    await expectStagesOk(argv, [warmup]);
    sent.length = 0;
    await expectStagesOk(argv, [measure]);
    expect(listed(await dryRunListing('measure', cfg, PROJECT_ROOT))).toEqual(new Set(sent.flatMap(norm)));
  });
});
