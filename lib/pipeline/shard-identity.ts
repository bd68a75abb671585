import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../config/load.js';
import { redact } from '../config/redact.js';
import { withoutTrivialTypes } from '../config/target-instances.js';
import { fingerprintsFor, getDataset } from '../store/datasets.js';
import type { SqliteDb } from '../store/sqlite.js';
import { datasetIdOf } from './dataset.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What makes N shard processes one run (docs/shards.md). Every shard computes the same values
 * from its own config and store; merge (lib/pipeline/merge.ts) refuses shards whose values differ.
 *
 * - Config fingerprint: SHA-256 of the redacted resolved config without the keys that name this
 *   host's files (`store`, `reports_dir`), which differ per shard by design.
 * - Dataset fingerprint: SHA-256 of the dataset's id and content hashes, and of each target's
 *   read-back fingerprint from seed — so shards that seeded different data never merge.
 * - Run id: the --start-at instant (as the usual YYYYMMDD-HHMMSS stamp) and 4 hex of the config
 *   fingerprint and instant, instead of the random suffix: equal on every shard, no coordinator.
 */
export function configFingerprint(c: ResolvedConfig): string {
  const { store: _s, reports_dir: _r, ...rest } = redact(withoutTrivialTypes(c)) as ResolvedConfig;
  return sha256(JSON.stringify(rest));
}

export async function datasetFingerprint(db: SqliteDb, c: ResolvedConfig): Promise<string> {
  const id = datasetIdOf(c);
  const d = await getDataset(db, id);
  const per = (await fingerprintsFor(db, id)).filter((f) => c.targets.includes(f.target));
  return sha256(JSON.stringify([id, d?.vectors_hash ?? null, d?.metadata_hash ?? null, per.map((f) => [f.target, f.vectors_hash, f.metadata_hash, f.index_spec])]));
}

export function shardRunId(startAtMs: number, configFp: string): string {
  const stamp = new Date(startAtMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${sha256(`${configFp}:${startAtMs}`).slice(0, 4)}`;
}
