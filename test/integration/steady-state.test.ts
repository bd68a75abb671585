import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../lib/store/open.js';
import { readWarmupConvergence } from '../../lib/store/warmup-convergence.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { expectStagesOk } from '../helpers/stages.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * Warmup to steady state and the blocked schedule through the real stages on PGlite: convergence
 * is stored per query × target, and the report names the schedule and the warmup's outcome.
 */
describe('steady-state warmup and blocked schedule, end to end', () => {
  it('stores how every query × target warmed up and reports it with the schedule', async () => {
    const p = await tmpProfile({ warmup: 3, warmup_window: 3, warmup_tolerance: 0.5, warmup_max_s: 5, schedule: 'blocked', verify_queries: 0, iterations: 6 });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup, measure, aggregate, render]);
    const db = await openStore(p.store);
    const run = (await db.get<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'measure'"))!.run_id;
    const rows = await readWarmupConvergence(db, run);
    const blocked = await db.all<{ target: string; query_id: string }>("SELECT target, query_id FROM samples WHERE run_id = ? AND phase = 'measure' ORDER BY start_ns LIMIT 3", [run]);
    const env = JSON.parse((await db.get<{ environment_json: string }>('SELECT environment_json FROM runs WHERE run_id = ?', [run]))!.environment_json);
    await db.close();
    // The rest of the machine by quarter of the measured phase (lib/measure/machine-load.ts), and how PGlite's WebAssembly was compiled.
    expect(env.machine_load.quarters).toHaveLength(4);
    for (const q of env.machine_load.quarters) expect(q.other_cores).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(env)).toContain('TurboFan up front');
    expect(rows).toHaveLength(8 * 2);
    for (const r of rows) {
      expect(r.iterations).toBeGreaterThanOrEqual(6); // two windows of 3
      expect(r.converged === 1 || r.stopped_by === 'cap').toBe(true);
    }
    // blocked: the first requests repeat one query on one target
    expect(new Set(blocked.map((b) => `${b.target} ${b.query_id}`)).size).toBe(1);
    const dir = join(p.reports, await readlink(join(p.reports, 'latest')));
    const table = await readFile(join(dir, 'table.txt'), 'utf8');
    expect(table).toMatch(/^schedule: {3}blocked — each query's iterations back to back on one target, targets in ABBA blocks$/m);
    expect(table).toMatch(/^warmup: {5}to steady state \(medians of two successive windows of 3 within 50\.0%, at least 3 executions, cap 5 s\): \d+ of 16 query × target pairs converged/m);
    expect(table).toMatch(/^machine: {4}other processes [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ cores by quarter of the measured phase \(of \d+ CPUs\); steal /m);
    // GC pauses of the measuring process, recorded for the measured phase and summarised (lib/render/gc-report.ts).
    expect(table).toMatch(/^Garbage collection \(the measuring process, during the measured phase\)\n {2}(\d+ pauses \(.*\), [\d.]+ ms in all|no pause recorded)/m);
    const json = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    expect(json.schedule).toBe('blocked');
    expect(json.garbage_collection.rows).toHaveLength(16);
    expect(json.warmup_convergence.rows).toHaveLength(16);
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('id="steady-state"');
  }, 180_000);
});
