import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { copyMetadataPayload, copyVectorsPayload, vectorSendBytes } from '../../lib/targets/pgvector-sql/copy-binary.js';
import { metadataFor, vectorBatches, type VectorBatch } from '../../lib/workload/generator.js';
import {
  canonicalVectorBytes,
  chunkRanges,
  combineChunks,
  expectedFingerprint,
  FINGERPRINT_CHUNK,
  md5Hex,
  metadataChunkText,
} from '../../lib/workload/fingerprint.js';

/** 'PGCOPY\n' 0xFF '\r\n' 0x00 — 11 bytes. */
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
const HEADER_LEN = 11 + 4 + 4;

describe('vectorSendBytes', () => {
  it('is int16 dims, int16 0, then float32 big-endian', () => {
    const b = vectorSendBytes(Float32Array.of(1, -2.5, 0.1));
    // 1.0f = 3f800000, -2.5f = c0200000, 0.1f = 3dcccccd
    expect(b.toString('hex')).toBe('0003' + '0000' + '3f800000' + 'c0200000' + '3dcccccd');
    expect(b.length).toBe(4 + 3 * 4);
  });

  it('honours offset and dims', () => {
    const v = Float32Array.of(9, 9, 0.5, -1, 9);
    // 0.5f = 3f000000, -1f = bf800000
    expect(vectorSendBytes(v, 2, 2).toString('hex')).toBe('0002' + '0000' + '3f000000' + 'bf800000');
  });

  it('the fingerprint row bytes are exactly vectorSendBytes of each row', () => {
    const [batch] = [...vectorBatches({ size: 5, dims: 4, seed: 3 }, 5)];
    const canon = canonicalVectorBytes(batch!);
    const rows = [0, 1, 2, 3, 4].map((r) => vectorSendBytes(batch!.data, r * 4, 4));
    expect(canon.equals(Buffer.concat(rows))).toBe(true);
    expect(canon.length).toBe(5 * (4 + 16));
  });
});

describe('copyVectorsPayload', () => {
  const batch: VectorBatch = { firstId: 5, count: 2, dims: 3, data: Float32Array.of(1, -2.5, 0.1, 0, 0.5, -1) };
  const p = copyVectorsPayload(batch);

  it('starts with the PGCOPY signature, zero flags and zero header extension', () => {
    expect(p.subarray(0, 11).equals(SIGNATURE)).toBe(true);
    expect(p.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(p.readInt32BE(11)).toBe(0);
    expect(p.readInt32BE(15)).toBe(0);
  });

  it('has the exact total length: header + 2 rows × (2 + 4+4 + 4+16) + trailer', () => {
    // row = field count (2) + id (len 4 + 4) + vector (len 4 + 4 + 3×4 = 16) = 30 bytes
    expect(p.length).toBe(HEADER_LEN + 2 * 30 + 2);
  });

  it('encodes each row as 2 fields: int4 id, then the vector_recv bytes', () => {
    let o = HEADER_LEN;
    for (let r = 0; r < 2; r++) {
      expect(p.readInt16BE(o)).toBe(2); // field count
      expect(p.readInt32BE(o + 2)).toBe(4); // id length
      expect(p.readInt32BE(o + 6)).toBe(5 + r); // id
      expect(p.readInt32BE(o + 10)).toBe(16); // vector length
      const vec = p.subarray(o + 14, o + 30);
      expect(vec.equals(vectorSendBytes(batch.data, r * 3, 3))).toBe(true);
      o += 30;
    }
    // Second row's values, decoded.
    expect(p.readInt16BE(HEADER_LEN + 30 + 14)).toBe(3);
    expect(p.readFloatBE(HEADER_LEN + 30 + 18)).toBe(0);
    expect(p.readFloatBE(HEADER_LEN + 30 + 22)).toBe(0.5);
    expect(p.readFloatBE(HEADER_LEN + 30 + 26)).toBe(-1);
    // Trailer: int16 -1.
    expect(o).toBe(p.length - 2);
  });

  it('ends with the 0xFFFF trailer', () => {
    expect(p.subarray(p.length - 2).toString('hex')).toBe('ffff');
    expect(p.readInt16BE(p.length - 2)).toBe(-1);
  });

  it('a generated batch of 1000 rows × 8 dims has the right size and ids', () => {
    const [b] = [...vectorBatches({ size: 1000, dims: 8, seed: 1 }, 1000)];
    const q = copyVectorsPayload(b!);
    const rowLen = 2 + 8 + 4 + 4 + 32;
    expect(q.length).toBe(HEADER_LEN + 1000 * rowLen + 2);
    expect(q.readInt32BE(HEADER_LEN + 999 * rowLen + 6)).toBe(1000);
  });
});

describe('copyMetadataPayload', () => {
  it('encodes (int4, text, text, timestamptz µs since 2000-01-01)', () => {
    const p = copyMetadataPayload([metadataFor(1), metadataFor(12)]);
    expect(p.subarray(0, 11).equals(SIGNATURE)).toBe(true);
    let o = HEADER_LEN;

    // Row 1: vector_1, category_1, 2025-01-01T00:00:01Z.
    expect(p.readInt16BE(o)).toBe(4);
    expect(p.readInt32BE(o + 2)).toBe(4);
    expect(p.readInt32BE(o + 6)).toBe(1);
    expect(p.readInt32BE(o + 10)).toBe(8);
    expect(p.toString('utf8', o + 14, o + 22)).toBe('vector_1');
    expect(p.readInt32BE(o + 22)).toBe(10);
    expect(p.toString('utf8', o + 26, o + 36)).toBe('category_1');
    expect(p.readInt32BE(o + 36)).toBe(8);
    // Hand computation: 2000-01-01 → 2025-01-01 is 25 years with 7 leap days
    // (2000, 2004, 2008, 2012, 2016, 2020, 2024) = 25·365 + 7 = 9132 days
    // = 9132 · 86400 s = 789,004,800 s; plus id 1 → +1 s = 789,004,801 s
    // = 789,004,801,000,000 µs.
    expect(p.readBigInt64BE(o + 40)).toBe(789_004_801_000_000n);
    o += 48;

    // Row 12: vector_12 (9 bytes), category_2, +12 s → 789,004,812 s.
    expect(p.readInt16BE(o)).toBe(4);
    expect(p.readInt32BE(o + 6)).toBe(12);
    expect(p.readInt32BE(o + 10)).toBe(9);
    expect(p.toString('utf8', o + 14, o + 23)).toBe('vector_12');
    expect(p.readInt32BE(o + 23)).toBe(10);
    expect(p.toString('utf8', o + 27, o + 37)).toBe('category_2');
    expect(p.readInt32BE(o + 37)).toBe(8);
    expect(p.readBigInt64BE(o + 41)).toBe(789_004_812_000_000n);
    o += 49;

    expect(p.length).toBe(o + 2);
    expect(p.readInt16BE(o)).toBe(-1);
  });

  it('an empty row list is header + trailer only', () => {
    const p = copyMetadataPayload([]);
    expect(p.length).toBe(HEADER_LEN + 2);
    expect(p.subarray(HEADER_LEN).toString('hex')).toBe('ffff');
  });
});

describe('chunkRanges', () => {
  it('splits ids into 1000-id chunks', () => {
    expect(FINGERPRINT_CHUNK).toBe(1000);
    expect(chunkRanges(2500)).toEqual([
      [1, 1000],
      [1001, 2000],
      [2001, 2500],
    ]);
    expect(chunkRanges(1000)).toEqual([[1, 1000]]);
    expect(chunkRanges(1001)).toEqual([
      [1, 1000],
      [1001, 1001],
    ]);
    expect(chunkRanges(1)).toEqual([[1, 1]]);
    expect(chunkRanges(0)).toEqual([]);
  });
});

describe('expectedFingerprint', () => {
  const spec = { size: 2500, dims: 8, seed: 42 };

  it('is deterministic and hex-shaped', () => {
    const a = expectedFingerprint(spec);
    expect(a.vectorsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.metadataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(expectedFingerprint({ ...spec })).toEqual(a);
  });

  it('changes when one generator parameter changes', () => {
    const a = expectedFingerprint(spec);
    const seed = expectedFingerprint({ ...spec, seed: 43 });
    const dims = expectedFingerprint({ ...spec, dims: 9 });
    const size = expectedFingerprint({ ...spec, size: 2499 });
    expect(seed.vectorsHash).not.toBe(a.vectorsHash);
    expect(dims.vectorsHash).not.toBe(a.vectorsHash);
    expect(size.vectorsHash).not.toBe(a.vectorsHash);
    // Metadata depends only on ids: same for seed/dims changes, different for size.
    expect(seed.metadataHash).toBe(a.metadataHash);
    expect(dims.metadataHash).toBe(a.metadataHash);
    expect(size.metadataHash).not.toBe(a.metadataHash);
  });

  it('matches an independent recomputation (row-by-row vector_send bytes, md5 per 1000 ids, sha256 of the md5s)', () => {
    const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
    // Rows one at a time, so chunking is done here, not by the generator's batches.
    const rows: Buffer[] = [];
    for (const b of vectorBatches(spec, 1)) rows.push(vectorSendBytes(b.data));
    const vChunks = [rows.slice(0, 1000), rows.slice(1000, 2000), rows.slice(2000)].map((c) => md5(Buffer.concat(c)));
    const lines = (a: number, z: number) => {
      const out: string[] = [];
      for (let id = a; id <= z; id++) {
        const m = metadataFor(id);
        out.push(`${id}|${m.label}|${m.category}|${m.createdAtMs}`);
      }
      return out.join('\n');
    };
    const mChunks = [lines(1, 1000), lines(1001, 2000), lines(2001, 2500)].map(md5);
    const sha = (xs: string[]) => createHash('sha256').update(xs.join('\n')).digest('hex');

    const fp = expectedFingerprint(spec);
    expect(fp.vectorsHash).toBe(sha(vChunks));
    expect(fp.metadataHash).toBe(sha(mChunks));
  });

  it('metadata lines use the epoch-ms timestamp', () => {
    // created_at of id 1 = 2025-01-01T00:00:01Z = 1,735,689,601,000 ms
    expect(metadataChunkText(1, 2)).toBe('1|vector_1|category_1|1735689601000\n2|vector_2|category_2|1735689602000');
  });

  it('helpers: md5Hex and combineChunks', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    // sha256("a\nb")
    expect(combineChunks(['a', 'b'])).toBe(createHash('sha256').update('a\nb').digest('hex'));
    expect(combineChunks(['a', 'b'])).not.toBe(combineChunks(['b', 'a']));
  });
});
