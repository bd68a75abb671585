import { createHash } from 'node:crypto';

/**
 * Canonical hash of a result set, equal across drivers for equal answers: pg returns bigint and
 * numeric as strings, PGlite as numbers; dates come back as Date objects. Numbers are written
 * with 6 significant digits, so float noise in the last bits does not make equal answers differ.
 */
const NUM = '-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?';
/** A vector printed as text: pgvector '[0.1,0.2]' or IRIS '0.1,0.2' (digits differ per engine). */
const VECTOR_TEXT = new RegExp(`^\\[?${NUM}(?:,${NUM})+\\]?$`, 'i');

function canonicalValue(v: unknown): unknown {
  if (typeof v === 'string' && VECTOR_TEXT.test(v)) return v.replace(/[[\]]/g, '').split(',').map((x) => Number(Number(x).toPrecision(6)));
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) v = Number(v);
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(6));
  if (v instanceof Date) return v.toISOString();
  return v;
}

export function resultHash(rows: readonly unknown[][]): string {
  return createHash('md5').update(JSON.stringify(rows.map((r) => r.map(canonicalValue)))).digest('hex');
}

/** kNN results compare by the ids returned, in order (distances are engine arithmetic). */
export function idsOf(rows: readonly unknown[][]): number[] {
  return rows.map((r) => Number(r[0]));
}

export function idsHash(ids: readonly number[]): string {
  return createHash('md5').update(ids.join(',')).digest('hex');
}
