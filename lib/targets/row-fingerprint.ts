import { createHash } from 'node:crypto';
import type { Session } from './interface.js';

/**
 * Fingerprints read back as rows (capability `fingerprintReadBack: 'rows'`), for engines that
 * cannot compute pgvector's vector_send() bytes or md5 themselves (InterSystems IRIS). The rows
 * come back through the target's own access path; Node rebuilds exactly the bytes and lines that
 * lib/workload/fingerprint.ts hashes for the generator, so an equal hash still means equal data:
 *   vectors:  per row int16 dims, int16 0, dims × float32, big-endian — md5 over the chunk;
 *   metadata: lines `id|label|category|created_at_ms` joined by '\n' — md5.
 */

/** Parse a vector as text ('[1,2,3]', '1,2,3', or an array) into float32 values. */
export function parseVectorText(value: unknown): Float32Array {
  if (Array.isArray(value)) return Float32Array.from(value.map(Number));
  if (typeof value !== 'string') throw new Error(`expected a vector as text, got ${typeof value}`);
  const body = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  if (body === '') return new Float32Array(0);
  const parts = body.split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const x = Number(parts[i]);
    if (!Number.isFinite(x)) throw new Error(`vector element ${i} is not a number: ${JSON.stringify(parts[i])}`);
    out[i] = x; // Float32Array stores the nearest float32: exact for text that round-trips
  }
  return out;
}

/** The canonical bytes of one row (pgvector's vector_send layout). */
export function canonicalRowBytes(v: Float32Array): Buffer {
  const b = Buffer.allocUnsafe(4 + 4 * v.length);
  let o = b.writeInt16BE(v.length, 0);
  o = b.writeInt16BE(0, o);
  for (let d = 0; d < v.length; d++) o = b.writeFloatBE(v[d]!, o);
  return b;
}

/** Rows per read-back query, so that one result stays well under a server's string limit (IRIS: 3,641,144 characters). */
export function rowsPerQuery(dims: number, budgetChars = 1_500_000): number {
  // A float32 printed to round-trip takes at most ~16 characters with its comma.
  return Math.max(1, Math.min(1000, Math.floor(budgetChars / (Math.max(1, dims) * 16 + 16))));
}

/**
 * md5 over the canonical bytes of rows first..last, read with `sql` (`… WHERE id BETWEEN ? AND ?
 * ORDER BY id`, returning id and the vector as text) in pages of rowsPerQuery(dims) ids. Missing
 * or extra rows change the hash; an id out of order fails loudly.
 */
export async function vectorChunkHashFromRows(session: Session, sql: string, first: number, last: number, dims: number): Promise<string> {
  const md5 = createHash('md5');
  const page = rowsPerQuery(dims);
  let expectId = first;
  for (let a = first; a <= last; a += page) {
    const b = Math.min(last, a + page - 1);
    const r = await session.query(sql, [a, b]);
    for (const row of r.rows) {
      const id = Number(row[0]);
      if (id < expectId) throw new Error(`fingerprint read-back: id ${id} out of order (expected ≥ ${expectId})`);
      expectId = id + 1;
      md5.update(canonicalRowBytes(parseVectorText(row[1])));
    }
  }
  return md5.digest('hex');
}

/** md5 over the metadata lines of rows first..last (`id|label|category|created_at_ms`, '\n'-joined). */
export async function metadataChunkHashFromRows(session: Session, sql: string, first: number, last: number): Promise<string> {
  const r = await session.query(sql, [first, last]);
  const lines = r.rows.map((row) => `${Number(row[0])}|${String(row[1])}|${String(row[2])}|${Number(row[3])}`);
  return createHash('md5').update(lines.join('\n')).digest('hex');
}
