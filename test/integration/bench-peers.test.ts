import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as measure } from '../../stages/measure.js';
import { main as warmup } from '../../stages/warmup.js';
import { preparePgTestDatabase, skipLiveTests } from '../helpers/postgres.js';
import { seededPostgresProfile } from '../helpers/seeded-postgres.js';
import { expectStagesOk } from '../helpers/stages.js';
import type { TmpProfile } from '../helpers/tmp-profile.js';

const run = promisify(execFile);
const script = ['--import', 'tsx', 'scripts/bench-peers.ts'];

/**
 * make bench-peers end to end against the local PostgreSQL (and its pgbench), tiny sizes: a
 * plumbing test, not a measurement. PostgreSQL missing fails under CI=true.
 */
const skip = skipLiveTests('bench-peers script', await preparePgTestDatabase());

describe.skipIf(skip)('bench-peers script', () => {
  let p: TmpProfile;
  beforeAll(async () => {
    p = await seededPostgresProfile();
  }, 120_000);

  it('runs the three clients in every mode and prints p50/p99 and both ratios with CIs', async () => {
    const { stdout } = await run('node', [...script, '--config', p.config, '--rounds', '3', '--requests', '20', '--discard', '2', '--pool', '3'], { timeout: 240_000 });
    expect(stdout).toMatch(/3 rounds × 20 requests per client, first 2 left out; pathbench and bare alternate in 10 slices on one connection/);
    for (const mode of ['simple', 'extended', 'prepared']) {
      for (const q of ['simple_select_id', 'vector_cosine', 'join']) {
        expect(stdout).toMatch(new RegExp(`^  ${mode} +${q}: pathbench p50 \\d+\\.\\d{3} / p99 \\d+\\.\\d{3} ms;  bare p50 .*;  pgbench p50 \\d+\\.\\d{3}`, 'm'));
      }
    }
    // The whole printout in the message: a line that does not match is then there to read.
    expect(stdout.match(/pathbench \/ bare pg: +p50 \d+\.\d\d× \[\d+\.\d\d, \d+\.\d\d\] +p99/g), stdout).toHaveLength(9);
    expect(stdout.match(/pathbench \/ pgbench: +p50 \d+\.\d\d× \[\d+\.\d\d, \d+\.\d\d\] +p99/g), stdout).toHaveLength(9);
  }, 250_000);

  it('profile-peers profiles both Node loops and prints µs per request by category, side by side', async () => {
    const { stdout } = await run('node', ['--import', 'tsx', 'scripts/profile-peers.ts', '--config', p.config, '--mode', 'prepared', '--query', 'join', '--rounds', '2', '--requests', '50'], { timeout: 120_000 });
    expect(stdout).toMatch(/profile-peers: join, prepared mode, 2 rounds × 50 requests per loop/);
    expect(stdout).toMatch(/p50 under the profiler \(median over rounds\): pathbench \d+\.\d{3} ms, bare \d+\.\d{3} ms/);
    expect(stdout).toMatch(/^  total \(wall time of the loop\) +\d+\.\d +\d+\.\d +-?\d+\.\d$/m);
    expect(stdout).toMatch(/^  waiting \(idle in the event loop/m);
  }, 130_000);

  it('tail-anatomy reads the two latest measure runs and compares their tail positions', async () => {
    await expectStagesOk(['--config', p.config], [warmup, measure, measure]);
    const { stdout } = await run('node', ['--import', 'tsx', 'scripts/tail-anatomy.ts', '--store', p.store], { timeout: 60_000 });
    expect(stdout).toMatch(/positions compared with run /);
    expect(stdout).toMatch(/^  postgres +vector_cosine +1 +\d+ +\d+ +\d+ +\d+ +\d+ +\d+%  /m);
    expect(stdout).toMatch(/^  all +8  /m);
  }, 200_000);

  it('rejects a bad flag with exit 2, naming the flag', async () => {
    const err = await run('node', [...script, '--modes', 'named'], { timeout: 60_000 }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/--modes: "named" is not one of simple, extended, prepared/);
  }, 70_000);
});
