import { createHash } from 'node:crypto';

/**
 * Canonical hash of a result set, equal across drivers for equal answers: pg returns bigint and
 * numeric as strings, PGlite as numbers; dates come back as Date objects. Numbers are written
 * with 6 significant digits, so float noise in the last bits does not make equal answers differ.
 *
 * Number text is read in every form the engines print:
 * - PostgreSQL / pgvector: `0.5`, `-0.25`, `1e-07`, `NaN`, `Infinity`, `-Infinity`; vectors `[0.5,-0.25]`.
 * - InterSystems IRIS (iris-native replies and IRIS SQL through the gateway): ObjectScript canonical
 *   form drops the integer zero of a fraction and resolves exponents — `.5`, `-.5`, `3E-4` → `.0003`
 *   (https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GCOS_types_numcanonical);
 *   $DOUBLE values carry up to 20 digits and may print in E notation, and `INF`, `-INF`, `NAN`
 *   exist (https://docs.intersystems.com/irislatest/csp/docbook/Doc.View.cls?KEY=RCOS_fdouble);
 *   `-0` is canonicalised to `0` for decimals but can appear for a $DOUBLE. Vectors in ODBC select
 *   mode come back as comma-separated elements without brackets (`.5,-.25`).
 * Which of these a given IRIS release prints was not observed here (no IRIS on this machine):
 * every form above is accepted, so the hash does not depend on it (test/unit/result-hash.test.ts).
 */
const NUM = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[-+]?\\d+)?';
const SPECIAL = /^(?:([-+]?)(?:inf|infinity)|nan)$/i;
const NUMBER_TEXT = new RegExp(`^${NUM}$`, 'i');
/**
 * A vector printed as text: pgvector '[0.1,0.2]' (brackets, any length) or IRIS '.1,.2'
 * (no brackets, two or more elements: one unbracketed number is a scalar).
 */
const VECTOR_TEXT = new RegExp(`^(?:\\[\\s*${NUM}(?:\\s*,\\s*${NUM})*\\s*\\]|${NUM}(?:\\s*,\\s*${NUM})+)$`, 'i');

/** A number as it enters the hash: 6 significant digits, integers exact, -0 as 0, non-finite as a word. */
function canonicalNumber(x: number): number | string {
  if (!Number.isFinite(x)) return String(x); // 'NaN', 'Infinity', '-Infinity' (JSON would print null)
  if (Object.is(x, -0)) return 0;
  return Number.isInteger(x) ? x : Number(x.toPrecision(6));
}

/** Number text in any of the forms above, or undefined when `s` is not a number. */
export function numberFromText(s: string): number | undefined {
  if (NUMBER_TEXT.test(s)) return Number(s);
  const special = SPECIAL.exec(s);
  if (special) return /nan/i.test(s) ? Number.NaN : special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

export function canonicalValue(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim();
    if (VECTOR_TEXT.test(s)) return s.replace(/[[\]\s]/g, '').split(',').map((x) => canonicalNumber(Number(x)));
    const n = numberFromText(s);
    if (n !== undefined) return canonicalNumber(n);
    return v;
  }
  if (typeof v === 'bigint') return canonicalNumber(Number(v));
  if (typeof v === 'number') return canonicalNumber(v);
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
