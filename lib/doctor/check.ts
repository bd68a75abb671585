/**
 * One prerequisite of a profile, checked by `make doctor` (lib/doctor/doctor.ts). `FAIL` blocks
 * the run (doctor exits 3); `skip` is a check that does not apply or cannot be made, with the
 * reason; `ok` may still carry a note. `fix` is the exact command (or edit) that clears a FAIL.
 */
export type CheckStatus = 'ok' | 'FAIL' | 'skip';

export interface Check {
  status: CheckStatus;
  /** What was checked, e.g. "docker engine" or "iris-native: port 127.0.0.1:1972". */
  what: string;
  /** What was found. */
  detail: string;
  fix?: string;
}

export const ok = (what: string, detail: string, fix?: string): Check => ({ status: 'ok', what, detail, ...(fix ? { fix } : {}) });
export const fail = (what: string, detail: string, fix: string): Check => ({ status: 'FAIL', what, detail, fix });
export const skip = (what: string, detail: string, fix?: string): Check => ({ status: 'skip', what, detail, ...(fix ? { fix } : {}) });

/** `FAIL  what: detail — fix: command`, one line per check, status padded to one column. */
export function formatCheck(c: Check): string {
  return `${c.status.padEnd(4)}  ${c.what}: ${c.detail}${c.fix ? ` — fix: ${c.fix}` : ''}`;
}
