import { writeRunTargets } from './run-targets.js';
import type { SqliteDb } from './sqlite.js';
import { redact } from '../config/redact.js';
import { nowIso } from './open.js';

export type RunKind = 'warmup' | 'measure';
export type RunStatus = 'running' | 'complete' | 'failed' | 'interrupted';

export interface RunRow {
  run_id: string;
  kind: RunKind;
  status: RunStatus;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  profile: string;
  dataset_id: string;
  seed: number;
  targets_json: string;
  config_json: string;
  environment_json: string | null;
  below_production_scale: number;
  wall_ns: number | null;
}

/** Sortable, readable run ids: 20261129-203105-<4 hex>. */
export function newRunId(kind: RunKind, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const rand = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${kind === 'warmup' ? 'w-' : ''}${stamp}-${rand}`;
}

/**
 * Insert a running run and its target instances (run_targets). `target_types`: instance name →
 * target type; a name it does not list is its own type (a plain `targets` entry).
 */
export async function createRun(
  db: SqliteDb,
  r: Pick<RunRow, 'run_id' | 'kind' | 'profile' | 'dataset_id' | 'seed' | 'targets_json' | 'config_json' | 'below_production_scale'> & { target_types?: Readonly<Record<string, string>> },
): Promise<void> {
  await db.run(
    `INSERT INTO runs (run_id, kind, status, created_at, profile, dataset_id, seed, targets_json, config_json, below_production_scale)
     VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
    [r.run_id, r.kind, nowIso(), r.profile, r.dataset_id, r.seed, r.targets_json, r.config_json, r.below_production_scale],
  );
  const names = JSON.parse(r.targets_json) as string[];
  await writeRunTargets(db, r.run_id, names.map((target) => ({ target, type: r.target_types?.[target] ?? target })));
}

export async function setRunEnvironment(db: SqliteDb, runId: string, env: unknown): Promise<void> {
  // Redacted like the config: target descriptions and server settings must never carry a credential.
  await db.run('UPDATE runs SET environment_json = ? WHERE run_id = ?', [JSON.stringify(redact(env)), runId]);
}

/** Add keys to a run's environment JSON (written before measuring) without rewriting the rest. */
export async function mergeRunEnvironment(db: SqliteDb, runId: string, extra: Record<string, unknown>): Promise<void> {
  const row = await db.get<{ environment_json: string | null }>('SELECT environment_json FROM runs WHERE run_id = ?', [runId]);
  const env = row?.environment_json ? (JSON.parse(row.environment_json) as Record<string, unknown>) : {};
  await setRunEnvironment(db, runId, { ...env, ...extra });
}

export async function finishRun(db: SqliteDb, runId: string, status: Exclude<RunStatus, 'running'>, wallNs: number | null, error?: string): Promise<void> {
  await db.run('UPDATE runs SET status = ?, finished_at = ?, wall_ns = ?, error = ? WHERE run_id = ?', [
    status,
    nowIso(),
    wallNs,
    error ?? null,
    runId,
  ]);
}

export async function getRun(db: SqliteDb, runId: string): Promise<RunRow | undefined> {
  return db.get<RunRow>('SELECT * FROM runs WHERE run_id = ?', [runId]);
}

export async function latestRun(db: SqliteDb, kind: RunKind, status?: RunStatus, datasetId?: string): Promise<RunRow | undefined> {
  const where = ['kind = ?'];
  const params: (string | number)[] = [kind];
  if (status) (where.push('status = ?'), params.push(status));
  if (datasetId) (where.push('dataset_id = ?'), params.push(datasetId));
  return db.get<RunRow>(`SELECT * FROM runs WHERE ${where.join(' AND ')} ORDER BY created_at DESC, rowid DESC LIMIT 1`, params);
}
