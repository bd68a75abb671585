import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: every temporary file of one test run — the tests' own (mkdtemp under
 * os.tmpdir()) and those of the stage processes they start, which inherit TMPDIR — goes under one
 * directory, removed when the run ends, passed or failed. Why: a CI run used to leave ~117
 * directories (~300 MB) in /tmp behind, and a machine that runs CI many times fills its disk.
 * Set before the test workers start, so they and their children see it.
 */
export default function setup(): () => void {
  const before = process.env['TMPDIR'];
  const root = mkdtempSync(join(tmpdir(), 'pathbench-tests-'));
  // As /tmp: the servers the tests start run as user postgres and must reach their directories
  // below it (scripts/postgres-local.sh, pgbouncer-local.sh refuse a parent they cannot traverse).
  chmodSync(root, 0o1777);
  process.env['TMPDIR'] = root;
  return () => {
    rmSync(root, { recursive: true, force: true });
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
  };
}
