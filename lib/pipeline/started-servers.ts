import { errorText } from '../errors.js';
import type { SqliteDb } from '../store/sqlite.js';
import { markServerStopped, runningStartedServers } from '../store/started-servers.js';
import { describeServer, stopServer } from '../targets/started-server.js';

/**
 * On SIGINT/SIGTERM (any stage): stop every server pathbench itself started at provision and has
 * not stopped since — never one that was already running when provision found it. `--keep-servers`
 * skips this. Each stop is bounded (lib/targets/started-server.ts); a failure is logged and kept in
 * the store, and does not hide the interruption itself (the exit code stays 130).
 */
export async function stopStartedServers(store: SqliteDb, root: string, log: (m: string) => void): Promise<void> {
  for (const s of await runningStartedServers(store)) {
    const what = `${describeServer(s.server)} (started by pathbench for ${s.targets.join(', ')})`;
    try {
      await stopServer(s.server, root);
      await markServerStopped(store, s.json, undefined);
      log(`stopped ${what}; \`make provision\` starts it again`);
    } catch (err) {
      await markServerStopped(store, s.json, errorText(err));
      log(`could not stop ${what}: ${errorText(err)} — stop it by hand (make stop)`);
    }
  }
}
