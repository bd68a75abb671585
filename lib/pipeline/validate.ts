import type { StageContext } from '../cli/run-stage.js';
import { TargetUnavailableError, errorText } from '../errors.js';
import { writeValidations, type ValidationRow } from '../store/validations.js';
import type { OpenTarget } from './targets.js';
import { closeSessions, loadTargets } from './targets.js';

const MIN_PGVECTOR = [0, 5, 0]; // HNSW arrived in pgvector 0.5.0
const MIN_IRIS = [2024, 1]; // vector search (VECTOR type, HNSW) arrived in InterSystems IRIS 2024.1

function versionAtLeast(v: string, min: number[]): boolean {
  const parts = v.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < min.length; i++) {
    const a = parts[i] ?? 0;
    if (a !== min[i]) return a > min[i]!;
  }
  return true;
}

/**
 * validate: check every configured target before anything is loaded or measured (FR-006). One
 * line per target; if any fails, the whole run is aborted with one error naming each of them.
 * All sessions are held open together, as measure will hold them.
 */
export async function validate(ctx: StageContext): Promise<void> {
  const targets = await loadTargets(ctx.config, ctx.root);
  const rows: ValidationRow[] = [];
  const opened: OpenTarget[] = [];
  try {
    for (const t of targets) {
      const databaseKey = t.module.databaseKey(t.ctx);
      try {
        const session = await t.module.open(t.ctx);
        opened.push({ ...t, session });
        await session.query(t.module.dialect.ping);
        if (t.module.capabilities.vectorSupport === 'builtin') {
          // Vectors built into the engine (IRIS): its release is the version that matters.
          const release = String((await session.query(t.module.dialect.vector_version)).rows[0]?.[0]);
          if (!versionAtLeast(release, MIN_IRIS)) throw new Error(`InterSystems IRIS ${release} has no vector search: it needs ${MIN_IRIS.join('.')} or later`);
          const server = (await session.query(t.module.dialect.server_version)).rows[0]?.[0];
          rows.push({ target: t.id, database_key: databaseKey, ok: 1, message: `${String(server)}, vector search built in; ${t.module.describe(t.ctx.options)}` });
          continue;
        }
        let ext = (await session.query(t.module.dialect.vector_version)).rows[0]?.[0];
        let note = '';
        if (ext === undefined || ext === null) {
          ext = (await session.query(t.module.dialect.vector_available)).rows[0]?.[0];
          if (ext === undefined || ext === null) {
            throw new Error(
              'pgvector is not installed on the server (no "vector" in pg_available_extensions); install it ' +
                '(Debian: scripts/postgres-local.sh builds it; Docker: image pgvector/pgvector) or point the target at a server that has it',
            );
          }
          note = ' (available; seed will CREATE EXTENSION vector)';
        }
        if (!versionAtLeast(String(ext), MIN_PGVECTOR)) throw new Error(`pgvector ${String(ext)} is too old: HNSW needs ≥ 0.5.0`);
        const server = (await session.query(t.module.dialect.server_version)).rows[0]?.[0];
        rows.push({ target: t.id, database_key: databaseKey, ok: 1, message: `PostgreSQL ${String(server)}, pgvector ${String(ext)}${note}; ${t.module.describe(t.ctx.options)}` });
      } catch (err) {
        rows.push({ target: t.id, database_key: databaseKey, ok: 0, message: errorText(err) });
      }
    }
  } finally {
    await closeSessions(opened);
  }
  const width = Math.max(...rows.map((r) => r.target.length));
  for (const r of rows) ctx.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.target.padEnd(width)}  ${r.message}`);
  await writeValidations(ctx.store, ctx.executionId, rows);
  const failed = rows.filter((r) => !r.ok);
  if (failed.length) throw new TargetUnavailableError(failed.map((r) => ({ target: r.target, reason: r.message })), 'validate');
}
