import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import type { MachineSpeed } from '../../lib/measure/speed-probe.js';
import { openStore } from '../../lib/store/open.js';
import { mergeRunEnvironment } from '../../lib/store/runs.js';
import { writeSyntheticRun } from '../../scripts/synthetic-run.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as render } from '../../stages/render.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

async function report(speed: MachineSpeed | null): Promise<{ table: string; json: Record<string, unknown>; html: string }> {
  const p = await tmpProfile({ iterations: 40, warmup: 1, verify_queries: 0 });
  const db = await openStore(p.store);
  const { runId } = await writeSyntheticRun(db, { config: await loadConfig(p.config) });
  if (speed) await mergeRunEnvironment(db, runId, { machine_speed: speed });
  await db.close();
  await expectStagesOk(['--config', p.config], [aggregate]);
  await expectStagesOk(['--config', p.config, '--reports-dir', p.dir], [render]);
  const dir = join(p.dir, await readlink(join(p.dir, 'latest')));
  return {
    table: await readFile(join(dir, 'table.txt'), 'utf8'),
    json: JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as Record<string, unknown>,
    html: await readFile(join(dir, 'index.html'), 'utf8'),
  };
}

// 40 probes 1 ms apart: 0.5 ms in the middle half, 0.4 ms at both ends (1.25× between quarters).
const unsteady: MachineSpeed = {
  probe: 'test probe', gap_ms: 1, start_ns: Array.from({ length: 40 }, (_, i) => i * 1e6), ms: Array.from({ length: 40 }, (_, i) => (i >= 10 && i < 30 ? 0.5 : 0.4)),
};

describe('the speed probe in the report', () => {
  it('shows the probe by quarter and opens with UNSTEADY MACHINE in table.txt, results.json and the HTML', async () => {
    const r = await report(unsteady);
    expect(r.table).toMatch(/^machine: {4}speed probe 0\.400 \| 0\.500 \| 0\.500 \| 0\.400 ms by quarter .*40 timings .*test probe\)$/m);
    expect(r.table).toMatch(/^!!! UNSTEADY MACHINE: .* took 0\.500 ms \(median\) in the slowest quarter .* and 0\.400 ms in the fastest \(1\.25×\)/m);
    expect(r.json.machine_speed).toMatchObject({ probe: 'test probe', probes: 40, quarter_median_ms: [0.4, 0.5, 0.5, 0.4] });
    expect((r.json.machine_speed as { warning: string }).warning).toMatch(/^UNSTEADY MACHINE/);
    expect(r.html).toContain('id="unsteady-machine-notice"');
    expect(r.html).toContain('speed probe 0.400 | 0.500 | 0.500 | 0.400 ms');
  });

  it('a steady probe gives its line and no warning; a run without one gives neither', async () => {
    const steady = await report({ ...unsteady, ms: unsteady.ms.map(() => 0.4) });
    expect(steady.table).toContain('speed probe 0.400 | 0.400 | 0.400 | 0.400 ms');
    expect(steady.table).not.toContain('UNSTEADY');
    expect((steady.json.machine_speed as { warning: unknown }).warning).toBeNull();
    const none = await report(null);
    expect(none.table).not.toContain('speed probe');
    expect(none.json).not.toHaveProperty('machine_speed');
    expect(none.html).not.toContain('unsteady-machine-notice');
    // A run before the memory probe has no memory part in results.json.
    expect(steady.json.machine_speed).not.toHaveProperty('memory');
  });

  it('gives the memory probe by quarter in the machine line and results.json; with the CPU probe steady, no UNSTEADY MACHINE', async () => {
    const memory = { probe: 'test memory', gap_ms: 4, start_ns: Array.from({ length: 40 }, (_, i) => i * 1e6), ms: Array.from({ length: 40 }, (_, i) => (i < 20 ? 12 : 10)) };
    const r = await report({ ...unsteady, ms: unsteady.ms.map(() => 0.4), memory });
    expect(r.table).toMatch(/^machine: {4}speed probe 0\.400 \| 0\.400 \| 0\.400 \| 0\.400 ms .*; memory probe 12\.000 \| 12\.000 \| 10\.000 \| 10\.000 ms \(median of 40 timings of a fixed memory workload: test memory\)$/m);
    expect(r.table).not.toContain('UNSTEADY');
    expect(r.json.machine_speed).toMatchObject({ probes: 40, memory: { probe: 'test memory', probes: 40, quarter_median_ms: [12, 12, 10, 10] } });
    expect(r.html).toContain('memory probe 12.000 | 12.000 | 10.000 | 10.000 ms');
  });
});
