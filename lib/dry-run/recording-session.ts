import type { QueryOutcome, Session } from '../targets/interface.js';
import type { MetadataRow, VectorBatch } from '../workload/generator.js';

/** One call a stage made on a session, in order. Bulk loads keep only their first row. */
export type SessionCall =
  | { kind: 'query'; sql: string; params: readonly unknown[] }
  | { kind: 'exec'; sql: string }
  | { kind: 'load_vectors'; sql: string; first?: { id: number; vector: Float32Array }; batchRows?: number }
  | { kind: 'load_metadata'; sql: string; first?: MetadataRow; batchRows?: number };

/**
 * A Session that sends nothing: it records each call and answers every query with no rows, as a
 * database that was never seeded would (so readMarker sees "no marker" and a stage takes its full
 * path). The dry run drives the stages' own functions (readMarker, prepareSessions, environment,
 * the fingerprint read-back, plan capture) through it, so the statements it lists are the ones
 * those functions send. Bulk loads read only the first batch of their lazy generators.
 */
export function recordingSession(): { session: Session; calls: SessionCall[] } {
  const calls: SessionCall[] = [];
  const empty: QueryOutcome = { rowCount: 0, rows: [] };
  const session: Session = {
    async query(sql, params = []) {
      calls.push({ kind: 'query', sql, params: [...params] });
      return empty;
    },
    async exec(sql) {
      calls.push({ kind: 'exec', sql });
    },
    async loadVectors(sql, batches: Iterable<VectorBatch> | AsyncIterable<VectorBatch>) {
      for await (const b of batches) {
        calls.push({ kind: 'load_vectors', sql, first: { id: b.firstId, vector: b.data.slice(0, b.dims) }, batchRows: b.count });
        return;
      }
      calls.push({ kind: 'load_vectors', sql });
    },
    async loadMetadata(sql, chunks: Iterable<readonly MetadataRow[]>) {
      for (const rows of chunks) {
        calls.push({ kind: 'load_metadata', sql, first: rows[0], batchRows: rows.length });
        return;
      }
      calls.push({ kind: 'load_metadata', sql });
    },
    async close() {},
  };
  return { session, calls };
}
