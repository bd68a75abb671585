import { createHash } from 'node:crypto';
import { vectorBatches, type DatasetSpec, type VectorBatch } from './generator.js';
import { GENERATED_METADATA, type DatasetMetadata } from './dataset-metadata.js';

/**
 * Dataset fingerprints, computed from the generator and, identically, from what a target reads
 * back. Rows are hashed in chunks of FINGERPRINT_CHUNK ids (1..1000, 1001..2000, ...):
 *   vectors:  md5 over each row's canonical bytes — int16 dims, int16 0, dims × float32, all
 *             big-endian (pgvector's vector_send layout) — concatenated in id order;
 *   metadata: md5 over lines `id|label|category|created_at_ms` joined by '\n'.
 * The dataset hash is sha256 over the chunk md5s (hex) joined by '\n'.
 */
export const FINGERPRINT_CHUNK = 1000;

export function chunkRanges(size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let first = 1; first <= size; first += FINGERPRINT_CHUNK) out.push([first, Math.min(size, first + FINGERPRINT_CHUNK - 1)]);
  return out;
}

export function canonicalVectorBytes(batch: VectorBatch): Buffer {
  const rowLen = 4 + 4 * batch.dims;
  const b = Buffer.allocUnsafe(rowLen * batch.count);
  for (let r = 0; r < batch.count; r++) {
    let o = r * rowLen;
    o = b.writeInt16BE(batch.dims, o);
    o = b.writeInt16BE(0, o);
    const base = r * batch.dims;
    for (let d = 0; d < batch.dims; d++) o = b.writeFloatBE(batch.data[base + d]!, o);
  }
  return b;
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

export function combineChunks(chunkHashes: readonly string[]): string {
  return createHash('sha256').update(chunkHashes.join('\n')).digest('hex');
}

export function metadataChunkText(first: number, last: number, meta: DatasetMetadata = GENERATED_METADATA): string {
  const lines: string[] = [];
  for (let id = first; id <= last; id++) {
    const m = meta.row(id);
    lines.push(`${m.vectorId}|${m.label}|${m.category}|${m.createdAtMs}`);
  }
  return lines.join('\n');
}

export interface ExpectedFingerprint {
  vectorsHash: string;
  metadataHash: string;
}

/** Fingerprint of the generator's output (no database involved). */
export function expectedFingerprint(spec: DatasetSpec): ExpectedFingerprint {
  const v: string[] = [];
  for (const batch of vectorBatches(spec, FINGERPRINT_CHUNK)) v.push(md5Hex(canonicalVectorBytes(batch)));
  const m = chunkRanges(spec.size).map(([a, b]) => md5Hex(metadataChunkText(a, b)));
  return { vectorsHash: combineChunks(v), metadataHash: combineChunks(m) };
}

/**
 * A row counts as unit-length when | ‖v‖² − 1 | ≤ UNIT_NORM_TOLERANCE (float32 rounding of a
 * normalised vector stays below 1e-6). The generator's rows always are; a file's may not be.
 */
export const UNIT_NORM_TOLERANCE = 1e-4;

export function allUnitNorm(batch: VectorBatch): boolean {
  for (let r = 0; r < batch.count; r++) {
    let s = 0;
    for (let d = 0, o = r * batch.dims; d < batch.dims; d++, o++) s += batch.data[o]! * batch.data[o]!;
    if (Math.abs(s - 1) > UNIT_NORM_TOLERANCE) return false;
  }
  return true;
}

/**
 * The same fingerprint as expectedFingerprint(), from any stream of FINGERPRINT_CHUNK-row batches
 * in id order (a file dataset's), plus whether every row is unit-length. Metadata: `meta` (the
 * file's columns, or the generator's).
 */
export async function expectedFingerprintOf(batches: AsyncIterable<VectorBatch>, size: number, meta: DatasetMetadata = GENERATED_METADATA): Promise<ExpectedFingerprint & { unitNorm: boolean }> {
  const v: string[] = [];
  let unitNorm = true;
  for await (const batch of batches) {
    v.push(md5Hex(canonicalVectorBytes(batch)));
    if (unitNorm) unitNorm = allUnitNorm(batch);
  }
  const m = chunkRanges(size).map(([a, b]) => md5Hex(metadataChunkText(a, b, meta)));
  return { vectorsHash: combineChunks(v), metadataHash: combineChunks(m), unitNorm };
}
