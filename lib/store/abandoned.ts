import { hostname } from 'node:os';
import { nowIso } from './open.js';
import type { SqliteDb } from './sqlite.js';

/** True when a process with this pid exists on this host (signal 0 checks without sending one). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stage executions left at 'running' by a process that no longer exists on this host (SIGKILL, a
 * crash, a lost terminal) become 'abandoned', and so does a run they left at 'running'. Rows from
 * another host, or from before pid/host were recorded, are left alone: their state cannot be known
 * here. Returns one line per row marked, for the log.
 */
export async function markAbandoned(db: SqliteDb): Promise<string[]> {
  const here = hostname();
  const rows = await db.all<{ id: number; stage: string; run_id: string | null; pid: number; started_at: string }>(
    "SELECT id, stage, run_id, pid, started_at FROM stage_executions WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
    [here],
  );
  const out: string[] = [];
  for (const r of rows) {
    if (r.pid === process.pid || pidAlive(r.pid)) continue;
    const why = `abandoned: its process (pid ${r.pid} on ${here}) ended without finishing — killed or crashed`;
    await db.run("UPDATE stage_executions SET status = 'abandoned', finished_at = ?, error = ? WHERE id = ? AND status = 'running'", [nowIso(), why, r.id]);
    if (r.run_id) await db.run("UPDATE runs SET status = 'abandoned', finished_at = ?, error = ? WHERE run_id = ? AND status = 'running'", [nowIso(), why, r.run_id]);
    out.push(`${r.stage} started ${r.started_at}${r.run_id ? ` (run ${r.run_id})` : ''} marked abandoned: pid ${r.pid} is gone`);
  }
  return out;
}
