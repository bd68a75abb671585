import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityJson, capacityWarnings, clientCapacityJson } from '../../lib/render/client-capacity-report.js';
import type { ReportData } from '../../lib/render/report-data.js';
import type { ClientCapacityRow } from '../../lib/store/client-capacity.js';
import { SqliteDb } from '../../lib/store/sqlite.js';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as measure } from '../../stages/measure.js';
import { main as render } from '../../stages/render.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { main as provision } from '../../stages/provision.js';
import { expectStagesOk } from '../helpers/stages.js';
import { migrationCreating, rollBackStore } from '../helpers/old-store.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

const CAP: ClientCapacityRow = {
  run_id: 'r', target: 'postgres', statement: 'SELECT 1', threads: 2, in_process: 0, requests: 1000, wall_ns: 1e9, cpu_ns: 1e9, per_thread_rps: 1000, wall_rps: 1000,
};
const sweepRow = (concurrency: number, qps: number) => ({ run_id: 'r', target: 'postgres', concurrency, scope: 'all', count: 10, failed: 0, p50_ms: 1, p99_ms: 2, qps_wall: qps, concurrent_sessions: 1 });
const openRow = (rate: number, sessions: number) => ({ run_id: 'r', target: 'postgres', offered_rate: rate, scope: 'all', sessions, concurrent_sessions: 1 });
const data = (caps: ClientCapacityRow[] | undefined) =>
  ({
    clientCapacity: caps,
    // 1 client → 1 thread: 800 > 70% of 1,000 (flagged), 650 not; 4 clients → 2 threads: 1,500 = 75% of 2,000 (flagged), 1,300 = 65% not.
    sweep: [sweepRow(1, 800), sweepRow(1, 650), sweepRow(4, 1500), sweepRow(4, 1300)],
    openLoop: { rows: [openRow(1500, 4), openRow(600, 4), openRow(750, 1)], verdicts: [] },
  }) as unknown as ReportData;

describe('client capacity: levels above 70% of it are flagged', () => {
  it('flags a sweep level and an open-loop rate above 70% of capacity × threads used, not one below', () => {
    const d = data([CAP]);
    expect(capacityWarnings(d, 'sweep')).toEqual([
      'CLIENT-CAPACITY? postgres × 1 clients: 800 QPS is 80% of the client\'s capacity (1 thread × 1,000/s) — at risk of being client-bound.',
      'CLIENT-CAPACITY? postgres × 4 clients: 1,500 QPS is 75% of the client\'s capacity (2 threads × 1,000/s) — at risk of being client-bound.',
    ]);
    expect(capacityWarnings(d, 'open-loop')).toEqual([
      'CLIENT-CAPACITY? postgres at 1500/s offered: 75% of the client\'s capacity (2 threads × 1,000/s) — at risk of being client-bound.',
      'CLIENT-CAPACITY? postgres at 750/s offered: 75% of the client\'s capacity (1 thread × 1,000/s) — at risk of being client-bound.',
    ]);
    expect(capacityJson(d, 'postgres', 600, 4, true)).toEqual({ client_capacity_share: 0.3, client_bound_risk: false });
    expect(capacityJson(d, 'postgres', 1500, 4, true)).toEqual({ client_capacity_share: 0.75, client_bound_risk: true });
  });

  it('does not flag an in-process engine, and says "not recorded" for a run without capacity', () => {
    expect(capacityWarnings(data([{ ...CAP, in_process: 1 }]), 'sweep')).toEqual([]);
    const old = data([]);
    expect(capacityWarnings(old, 'sweep')).toEqual([]);
    expect(capacityJson(old, 'postgres', 1500, 4, true)).toEqual({ client_capacity_share: 'not recorded', client_bound_risk: 'not recorded' });
    expect(clientCapacityJson(old)).toBe('not recorded');
  });
});

async function reportFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string, rel: string) => {
    for (const name of await readdir(d)) {
      const p = join(d, name);
      if ((await stat(p)).isDirectory()) await walk(p, `${rel}/${name}`);
      else out.set(`${rel}/${name}`, await readFile(p, 'utf8'));
    }
  };
  await walk(dir, '');
  return out;
}

describe('client capacity in a store from before it was recorded', () => {
  it('the run renders byte-identical with or without the migration, and says "not recorded"', async () => {
    const p = await tmpProfile({ iterations: 4, warmup: 1, verify_queries: 0, targets: ['pglite'], concurrency: [1, 2], sweep_requests: 4, rate: [50], rate_requests: 20 });
    await expectStagesOk(['--config', p.config], [provision, validate, seed, warmup, measure, aggregate]);
    const raw = await SqliteDb.open(p.store);
    expect((await raw.all<{ n: number }>('SELECT count(*) AS n FROM client_capacity'))[0]!.n).toBe(1);
    // The same run without a capacity record, in the current schema…
    await raw.exec('DELETE FROM client_capacity');
    await raw.close();
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'now')], [render]);
    // …and as a store from before the migration (the migration is re-applied on open).
    const old = await SqliteDb.open(p.store);
    // (and without the tables of later migrations: they are re-applied on open)
    await rollBackStore(old, migrationCreating('client_capacity'));
    await old.close();
    await expectStagesOk(['--config', p.config, '--reports-dir', join(p.dir, 'old')], [render]);
    const now = await reportFiles(join(p.dir, 'now', await readlink(join(p.dir, 'now', 'latest'))));
    const before = await reportFiles(join(p.dir, 'old', await readlink(join(p.dir, 'old', 'latest'))));
    expect([...before.keys()].sort()).toEqual([...now.keys()].sort());
    for (const [file, text] of now) expect(before.get(file), file).toBe(text);
    expect(now.get('/table.txt')).toContain('Client capacity: not recorded (run measured before it was recorded)');
    expect(now.get('/table.txt')).not.toContain('CLIENT-CAPACITY?');
    expect(JSON.parse(now.get('/results.json')!).client_capacity).toBe('not recorded');
  });
});
