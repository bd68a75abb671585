import type { StartedServer } from '../targets/started-server.js';
import type { SqliteDb } from './sqlite.js';

export interface StartedServerRow {
  target: string;
  server: StartedServer;
}

export async function recordStartedServers(db: SqliteDb, executionId: number, rows: readonly StartedServerRow[]): Promise<void> {
  const now = new Date().toISOString();
  await db.insertMany(
    'started_servers',
    ['execution_id', 'target', 'server_json', 'started_at'],
    rows.map((r) => [executionId, r.target, JSON.stringify(r.server), now]),
  );
}

/** Servers pathbench started and has not stopped since, one entry per distinct server. */
export async function runningStartedServers(db: SqliteDb): Promise<{ targets: string[]; server: StartedServer; json: string }[]> {
  const rows = await db.all<{ server_json: string; targets: string }>(
    "SELECT server_json, group_concat(DISTINCT target) AS targets FROM started_servers WHERE stopped_at IS NULL GROUP BY server_json ORDER BY min(id)",
  );
  return rows.map((r) => ({ targets: r.targets.split(','), server: JSON.parse(r.server_json) as StartedServer, json: r.server_json }));
}

/** Success: the server is stopped. Failure: the error is kept and the next interrupt tries again. */
export async function markServerStopped(db: SqliteDb, serverJson: string, error: string | undefined): Promise<void> {
  if (error === undefined) {
    await db.run('UPDATE started_servers SET stopped_at = ?, stop_error = NULL WHERE server_json = ? AND stopped_at IS NULL', [new Date().toISOString(), serverJson]);
  } else {
    await db.run('UPDATE started_servers SET stop_error = ? WHERE server_json = ? AND stopped_at IS NULL', [error, serverJson]);
  }
}
