import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { preparePgTestDatabase, skipLiveTests } from '../helpers/postgres.js';
import { seededPostgresProfile } from '../helpers/seeded-postgres.js';
import type { TmpProfile } from '../helpers/tmp-profile.js';

const run = promisify(execFile);
const script = ['--import', 'tsx', 'scripts/bench-client.ts'];

/**
 * make bench-client end to end against the local PostgreSQL (and its pgbench), tiny sizes: a
 * plumbing test, not a measurement. PostgreSQL missing fails under CI=true.
 */
const skip = skipLiveTests('bench-client script', await preparePgTestDatabase());

describe.skipIf(skip)('bench-client script', () => {
  let p: TmpProfile;
  beforeAll(async () => {
    p = await seededPostgresProfile();
  }, 120_000);

  it('runs the three clients in alternating rounds and prints throughputs, ratios with CIs and the goals', async () => {
    const { stdout } = await run('node', [...script, '--config', p.config, '--rounds', '3', '--seconds', '1', '--sessions', '2'], { timeout: 240_000 });
    expect(stdout).toMatch(/2 sessions, prepared statements/);
    expect(stdout).toMatch(/3 rounds × 4 blocks of 1 s, order rotated per round/);
    expect(stdout.match(/^ {2}round \d: bare [\d,]+ q\/s \([\d.]+ µs CPU\/req\); pgbench [\d,]+ tps; open 1\.2× [\d,]+\/s achieved/gm)).toHaveLength(3);
    expect(stdout).toMatch(/open loop at 1\.2× ÷ bare: +\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\] +goal ≥ 0\.90: (met|not met|inconclusive)/);
    expect(stdout).toMatch(/pgbench ÷ bare: +\d+\.\d\d \[/);
    expect(stdout).toMatch(/at 0\.5×: lateness p99 +\d+\.\d{3} ms \[\d+\.\d{3}, \d+\.\d{3}\] +goal ≤ 1 ms: (met|not met|inconclusive)/);
    expect(stdout).toMatch(/at 0\.5×: CPU\/request open ÷ bare \d+\.\d\d \[/);
  }, 250_000);

  it('rejects a bad flag with exit 2, naming the flag', async () => {
    const err = await run('node', [...script, '--wake', 'spin'], { timeout: 60_000 }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/--wake: "spin" is not one of precise, timer/);
  }, 70_000);
});
