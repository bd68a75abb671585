import pg from 'pg';
import { questionMarks } from './bind.js';

/**
 * Client-side parameter rendering for the `simple` query mode (lib/targets/query-mode.ts): the
 * statement's placeholders are replaced by SQL literals, once, before any timed loop — never in a
 * Session.query call.
 *
 * Placeholder styles (capability `wireQueryModes.placeholders`):
 * - `dollar`: PostgreSQL `$1`, `$2`, … (a number may repeat: pgvector SQL uses `$1` twice);
 * - `question`: IRIS `?`, bound in order of appearance.
 * Literal styles (`wireQueryModes.literals`):
 * - `postgres`: strings through node-postgres's own `escapeLiteral` (it writes `E'…'` with doubled
 *   backslashes when the text has one, so the literal is right whatever standard_conforming_strings says);
 * - `standard`: SQL-standard `'…'` with doubled quotes and nothing else — IRIS SQL has no backslash
 *   escapes: its grammar is `' {nonquote-character | ''} '` ("Literals", InterSystems SQL:
 *   https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=GSQL_langelements_literals).
 *   Used for IRIS SQL and for anything the iris-pgwire gateway passes on to IRIS.
 * Numbers must be finite; negatives are parenthesised so no operator can bind to the sign.
 * Strings with a NUL character are refused (neither PostgreSQL nor IRIS text can hold one).
 * Binary parameters (vector_send bytes) cannot be literals: simple-mode targets encode their query
 * vectors as text (lib/pipeline/session-setup.ts).
 */
export type PlaceholderStyle = 'dollar' | 'question';
export type LiteralStyle = 'postgres' | 'standard';

export function sqlLiteral(v: unknown, style: LiteralStyle): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`simple query mode: cannot render ${v} as an SQL literal`);
    return v < 0 || Object.is(v, -0) ? `(${String(v)})` : String(v);
  }
  if (typeof v === 'bigint') return v < 0n ? `(${v.toString()})` : v.toString();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new Error('simple query mode: a text parameter contains a NUL character, which no SQL literal can carry');
    return style === 'postgres' ? pg.escapeLiteral(v) : `'${v.replaceAll("'", "''")}'`;
  }
  if (v instanceof Uint8Array) {
    throw new Error('simple query mode: a binary parameter (vector_send bytes) cannot be an SQL literal; simple-mode targets must encode vectors as text');
  }
  throw new Error(`simple query mode: no SQL literal for a parameter of type ${Object.prototype.toString.call(v)}`);
}

/** Positions and parameter numbers (1-based) of `$n` placeholders outside literals, quoted identifiers and comments. */
export function dollarPlaceholders(sql: string): { pos: number; len: number; n: number }[] {
  const out: { pos: number; len: number; n: number }[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '') && !/[\w$]/.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j]!)) j++;
      out.push({ pos: i, len: j - i, n: Number(sql.slice(i + 1, j)) });
      i = j - 1;
    }
  }
  return out;
}

/**
 * The statement with every placeholder replaced by its parameter's literal. Every parameter must be
 * used and every placeholder must have a parameter: a mismatch is a bug in a dialect, said loudly.
 */
export function inlineParams(sql: string, params: readonly unknown[], placeholders: PlaceholderStyle, literals: LiteralStyle): string {
  const marks = placeholders === 'dollar' ? dollarPlaceholders(sql) : questionMarks(sql).map((pos, i) => ({ pos, len: 1, n: i + 1 }));
  const used = new Set<number>();
  let out = '';
  let last = 0;
  for (const m of marks) {
    if (m.n < 1 || m.n > params.length) {
      throw new Error(`simple query mode: placeholder ${placeholders === 'dollar' ? `$${m.n}` : `? #${m.n}`} has no parameter (${params.length} bound) in: ${sql}`);
    }
    used.add(m.n);
    out += sql.slice(last, m.pos) + sqlLiteral(params[m.n - 1], literals);
    last = m.pos + m.len;
  }
  if (used.size !== params.length) {
    throw new Error(`simple query mode: ${params.length} parameters bound but ${used.size} used in: ${sql}`);
  }
  return out + sql.slice(last);
}
