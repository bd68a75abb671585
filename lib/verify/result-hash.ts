import { createHash } from 'node:crypto';

/**
 * Canonical hash of a result set, equal across drivers for equal answers: pg returns bigint and
 * numeric as strings, PGlite as numbers. Numbers are written with 6 significant digits, so float
 * noise in the last bits does not make equal answers differ.
 *
 * Timestamps arrive as Date from PGlite in process and from iris-native (server-calls.ts), and as
 * the server's text from every pg path, which does not parse them (pg-session.ts, so that the
 * measured requests skip pg-types' parseDate): PostgreSQL and PGlite over the wire print
 * timestamptz as `2025-01-01 00:00:01+00` (ISO DateStyle, the session's offset), the gateway IRIS
 * TIMESTAMP as `timestamp` without time zone, `2025-01-01 00:00:01`. Both become the ISO instant
 * of a Date (`2025-01-01T00:00:01.000Z`); text without an offset is UTC, as the benchmark stores
 * UTC. Here, in the untimed verification pass, not in the measured loop.
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

/**
 * `YYYY-MM-DD HH:MM:SS[.fraction][offset]`, offset `Z`, `±HH`, `±HH:MM` or `±HH:MM:SS` (PostgreSQL's
 * ISO output; IRIS ODBC text has none). A `T` separator is accepted too.
 */
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/**
 * Timestamp text (TIMESTAMP_TEXT) as the ISO string of the instant it names, to the millisecond
 * (a longer fraction is cut, as pg-types' Date keeps milliseconds), or undefined for other text.
 * No offset means UTC.
 */
export function isoFromTimestampText(s: string): string | undefined {
  const m = TIMESTAMP_TEXT.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac = '', , sign, oh = '0', om = '0', os = '0'] = m;
  const t = new Date(Date.UTC(2000, 0, 1, Number(h), Number(mi), Number(sec), Number(frac.padEnd(3, '0').slice(0, 3))));
  t.setUTCFullYear(Number(y), Number(mo) - 1, Number(d)); // Date.UTC would read years 0–99 as 1900–1999
  if (sign !== undefined) t.setTime(t.getTime() - (sign === '-' ? -1 : 1) * ((Number(oh) * 60 + Number(om)) * 60 + Number(os)) * 1000);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

export function canonicalValue(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim();
    const instant = isoFromTimestampText(s);
    if (instant !== undefined) return instant;
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
