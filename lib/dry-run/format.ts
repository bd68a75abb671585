import { questionMarks, splitScript } from '../targets/bind.js';

/**
 * Text of the dry run: statements as a user pastes them into a SQL shell, each followed by its
 * parameters in bind order. Vectors are abbreviated to their first VECTOR_HEAD components and
 * their dimension count; everything else is printed in full, strings as SQL literals.
 */
export const VECTOR_HEAD = 3;

/** One statement as listed: a label (statement id), the SQL, its bound values, how often it is sent. */
export interface ListedStatement {
  label: string;
  sql: string;
  /** One line per placeholder, in bind order ("?2 ← query_vector = …"); empty: no parameters. */
  binds: string[];
  /** How often/when it is sent, when not exactly once ("× 100 chunks", "per row"). */
  times?: string;
  /** A remark printed under the binds. */
  note?: string;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const head = (xs: ArrayLike<number>) => Array.from({ length: Math.min(VECTOR_HEAD, xs.length) }, (_, i) => String(xs[i]));

/** A vector as text, as the dialects send it: '1,2,3' (IRIS TO_VECTOR) or '[1,2,3]' (pgvector). */
const VECTOR_TEXT = /^\[?\s*-?[\d.]+(?:e[-+]?\d+)?(?:\s*,\s*-?[\d.]+(?:e[-+]?\d+)?){3,}\s*\]?$/i;

/** A bound value for the listing; `dims` identifies pgvector's binary vector_send bytes (4 + 4·dims). */
export function formatValue(v: unknown, dims: number): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return sqlString(v.toISOString());
  if (typeof v === 'string') {
    if (!VECTOR_TEXT.test(v)) return sqlString(v);
    const bracket = v.trimStart().startsWith('[');
    const parts = v.replace(/[[\]\s]/g, '').split(',');
    return `${sqlString(`${bracket ? '[' : ''}${parts.slice(0, VECTOR_HEAD).join(',')},…${bracket ? ']' : ''}`)} (vector as text, ${parts.length} dims)`;
  }
  if (v instanceof Uint8Array) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    if (b.length === 4 + 4 * dims && b.readInt16BE(0) === dims) {
      const xs = Array.from({ length: Math.min(VECTOR_HEAD, dims) }, (_, i) => b.readFloatBE(4 + 4 * i));
      return `[${xs.join(', ')}, …] (vector as binary vector_send, ${dims} dims, ${b.length} bytes)`;
    }
    return `<${b.length} bytes>`;
  }
  if (v instanceof Float32Array) return `[${head(v).join(', ')}, …] (${v.length} dims)`;
  return JSON.stringify(v);
}

/**
 * The placeholder names of a statement in bind order: `?1, ?2, …` for positional `?` (IRIS SQL),
 * otherwise `$1, $2, …` as many as values are bound (PostgreSQL numbers them; a number may recur
 * in the text, the value is bound once).
 */
export function placeholders(sql: string, bound: number): string[] {
  const style = questionMarks(sql).length > 0 ? '?' : '$';
  return Array.from({ length: bound }, (_, i) => `${style}${i + 1}`);
}

/** Bind lines "?1 ← k = 5" (names: what each value is, when known); a repeated value says so. */
export function bindLines(sql: string, values: readonly unknown[], dims: number, names?: readonly string[]): string[] {
  const marks = placeholders(sql, values.length);
  // Vectors bound twice (IRIS SQL cannot reuse a placeholder) are printed once.
  const large = (v: unknown) => (typeof v === 'object' && v !== null) || (typeof v === 'string' && v.length > 64);
  const firstSeen = new Map<unknown, string>();
  return values.map((v, i) => {
    const label = names?.[i] ? `${marks[i]} ← ${names[i]}` : marks[i]!;
    const same = large(v) ? firstSeen.get(v) : undefined;
    if (large(v) && !same) firstSeen.set(v, marks[i]!);
    return `${label} = ${same ? `(the same value as ${same})` : formatValue(v, dims)}`;
  });
}

/** One listed statement as text: `-- [label] times`, the SQL (scripts split into statements), then the binds. */
export function formatStatement(s: ListedStatement): string {
  const lines = [`-- [${s.label}]${s.times ? ` ${s.times}` : ''}`];
  const statements = splitScript(s.sql);
  lines.push(...(statements.length ? statements : [s.sql.trim()]).map((x) => `${dedent(x)};`));
  for (const b of s.binds) lines.push(`--   ${b}`);
  if (s.note) lines.push(`--   ${s.note}`);
  return lines.join('\n');
}

/** Strip the common indentation of continuation lines (template literals in dialect files). */
function dedent(sql: string): string {
  const [first, ...rest] = sql.split('\n');
  const indent = Math.min(...rest.filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length));
  return [first!.trim(), ...rest.map((l) => (Number.isFinite(indent) ? l.slice(indent) : l).trimEnd())].join('\n');
}
