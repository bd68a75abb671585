import type { MetadataRow, VectorBatch } from '../../workload/generator.js';

/**
 * PostgreSQL binary COPY payloads (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format"). Binary because text input of a 1024-dim vector costs ~3 ms in PGlite's WASM
 * build, ~17× more than binary (measured when the project started).
 *
 * The vector field is pgvector's vector_recv format: int16 dims, int16 unused (0), then dims ×
 * float4, all big-endian. vectorSendBytes() is the same layout, which vector_send() returns.
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

export function copyHeader(): Buffer {
  const h = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(h, 0);
  // flags (int32 0) + header extension length (int32 0) are already zero.
  return h;
}
export const COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** pgvector wire/binary representation of one vector. */
export function vectorSendBytes(v: Float32Array, offset = 0, dims = v.length): Buffer {
  const b = Buffer.allocUnsafe(4 + 4 * dims);
  b.writeInt16BE(dims, 0);
  b.writeInt16BE(0, 2);
  for (let d = 0; d < dims; d++) b.writeFloatBE(v[offset + d]!, 4 + 4 * d);
  return b;
}

/** COPY benchmark_vectors (id, embedding) payload for one batch: header + rows + trailer. */
export function copyVectorsPayload(batch: VectorBatch): Buffer {
  return Buffer.concat([copyHeader(), copyVectorRows(batch), COPY_TRAILER]);
}

/** The tuples of one batch only (no header or trailer), for streaming several batches into one COPY. */
export function copyVectorRows(batch: VectorBatch): Buffer {
  const vecLen = 4 + 4 * batch.dims;
  const rowLen = 2 + (4 + 4) + (4 + vecLen);
  const body = Buffer.allocUnsafe(rowLen * batch.count);
  let o = 0;
  for (let r = 0; r < batch.count; r++) {
    o = body.writeInt16BE(2, o);
    o = body.writeInt32BE(4, o);
    o = body.writeInt32BE(batch.firstId + r, o);
    o = body.writeInt32BE(vecLen, o);
    o = body.writeInt16BE(batch.dims, o);
    o = body.writeInt16BE(0, o);
    const base = r * batch.dims;
    for (let d = 0; d < batch.dims; d++) o = body.writeFloatBE(batch.data[base + d]!, o);
  }
  return body;
}

/** COPY benchmark_metadata (vector_id, label, category, created_at) payload: header + rows + trailer. */
export function copyMetadataPayload(rows: readonly MetadataRow[]): Buffer {
  return Buffer.concat([copyHeader(), copyMetadataRows(rows), COPY_TRAILER]);
}

/** The tuples only (no header or trailer). */
export function copyMetadataRows(rows: readonly MetadataRow[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of rows) {
    const label = Buffer.from(m.label, 'utf8');
    const category = Buffer.from(m.category, 'utf8');
    const b = Buffer.allocUnsafe(2 + 8 + 4 + label.length + 4 + category.length + 12);
    let o = b.writeInt16BE(4, 0);
    o = b.writeInt32BE(4, o);
    o = b.writeInt32BE(m.vectorId, o);
    o = b.writeInt32BE(label.length, o);
    o += label.copy(b, o);
    o = b.writeInt32BE(category.length, o);
    o += category.copy(b, o);
    o = b.writeInt32BE(8, o);
    // timestamptz: int64 microseconds since 2000-01-01 UTC.
    b.writeBigInt64BE(BigInt(m.createdAtMs - PG_EPOCH_MS) * 1000n, o);
    parts.push(b);
  }
  return Buffer.concat(parts);
}
