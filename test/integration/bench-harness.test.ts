import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = ['--import', 'tsx', 'scripts/bench-harness.ts'];

/** make bench-harness end to end on the in-process pglite-socket server, with tiny blocks (a plumbing test, not a measurement). */
describe('bench-harness script', () => {
  it('compares the measure loop with the bare pg loop in ABBA pairs and prints ratios with CIs and a verdict', async () => {
    const { stdout } = await run('node', [...script, '--pairs', '4', '--block-size', '30', '--warmup-pairs', '1', '--verbose'], { timeout: 120_000 });
    expect(stdout).toMatch(/4 pairs of blocks × 30 calls \(ABBA order, 1 warm-up pairs discarded\)/);
    expect(stdout.match(/^\s+\d+ {2}(harness first|bare first)/gm)).toHaveLength(4);
    expect(stdout).toMatch(/p50, harness \/ bare: +[+−]\d+\.\d% +\[95% CI [+−]\d+\.\d% … [+−]\d+\.\d%\]/);
    expect(stdout).toMatch(/QPS, bare \/ harness: +[+−]\d+\.\d% +\[95% CI/);
    expect(stdout).toMatch(/order effect/);
    expect(stdout).toMatch(/goal: harness adds < 5% → (met|NOT met|INCONCLUSIVE) \(/);
  }, 130_000);

  it('rejects a bad flag with exit 2, naming the flag', async () => {
    const err = await run('node', [...script, '--pairs', 'many'], { timeout: 60_000 }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/--pairs: expected an integer ≥ 2, got "many"/);
  }, 70_000);
});
