import type { Session } from '../targets/interface.js';
import { metadataChunkHashFromRows, vectorChunkHashFromRows } from '../targets/row-fingerprint.js';
import { chunkRanges, combineChunks } from '../workload/fingerprint.js';
import type { OpenTarget } from './targets.js';

export interface ReadBack {
  rows: number;
  meta: number;
  vectorsHash: string;
  metadataHash: string;
  tableBytes: number | null;
  indexBytes: number | null;
}

/**
 * Counts and chunk hashes of the dataset read back through the target's own access path (seed,
 * and the write undo's check): every row of both tables is counted, so a row above the dataset's
 * range shows as a count that differs, and rows 1..size are hashed in the generator's layout.
 */
export async function readBack(t: Pick<OpenTarget, 'module'> & { session: Session }, size: number, dims: number): Promise<ReadBack> {
  const d = t.module.dialect;
  const q = async (sql: string, params?: unknown[]) => (await t.session.query(sql, params)).rows[0]?.[0];
  const rows = Number(await q(d.count_vectors));
  const meta = Number(await q(d.count_metadata));
  const v: string[] = [];
  const m: string[] = [];
  const asRows = t.module.capabilities.fingerprintReadBack === 'rows'; // engines without vector_send(): hashed here, same layout
  for (const [a, b] of chunkRanges(size)) {
    v.push(asRows ? await vectorChunkHashFromRows(t.session, d.fingerprint_vectors, a, b, dims) : String(await q(d.fingerprint_vectors, [a, b])));
    m.push(asRows ? await metadataChunkHashFromRows(t.session, d.fingerprint_metadata, a, b) : String(await q(d.fingerprint_metadata, [a, b])));
  }
  const sizes = (await t.session.query(d.relation_sizes)).rows[0];
  const bytes = (x: unknown) => (x === null || x === undefined ? null : Number(x));
  return { rows, meta, vectorsHash: combineChunks(v), metadataHash: combineChunks(m), tableBytes: bytes(sizes?.[0]), indexBytes: bytes(sizes?.[1]) };
}
