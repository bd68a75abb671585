import type { SampleRow } from './samples.js';
import type { SqliteDb } from './sqlite.js';

/**
 * One phase of a run's samples as columns (typed arrays), in start order — what the aggregate
 * stage needs and nothing more (no run id, phase, row count or error text per row). A run of
 * 1,000,000 samples takes ~25 MB this way instead of ~1,000,000 row objects.
 *
 * `target[i]` indexes `targets`; `query[i]` indexes `queries` (a query id with its category).
 */
export interface SampleColumns {
  length: number;
  targets: string[];
  queries: { id: string; category: string }[];
  target: Uint16Array;
  query: Uint16Array;
  iteration: Int32Array;
  /** ns since the phase's clock origin; integers stored as doubles (exact below 2^53). */
  startNs: Float64Array;
  elapsedNs: Float64Array;
  /** 1 = succeeded, 0 = failed. */
  ok: Uint8Array;
}

/** Dictionary-encodes strings to small integers while building columns. */
class Codes<T> {
  readonly values: T[] = [];
  readonly #index = new Map<string, number>();
  code(key: string, value: () => T): number {
    let c = this.#index.get(key);
    if (c === undefined) {
      c = this.values.length;
      if (c > 0xffff) throw new Error(`sample columns: more than 65,536 distinct values (${key})`);
      this.#index.set(key, c);
      this.values.push(value());
    }
    return c;
  }
}

type Row = Pick<SampleRow, 'target' | 'query_id' | 'category' | 'iteration' | 'start_ns' | 'elapsed_ns' | 'ok'>;

class ColumnBuilder {
  readonly targets = new Codes<string>();
  readonly queries = new Codes<{ id: string; category: string }>();
  length = 0;
  target = new Uint16Array(1024);
  query = new Uint16Array(1024);
  iteration = new Int32Array(1024);
  startNs = new Float64Array(1024);
  elapsedNs = new Float64Array(1024);
  ok = new Uint8Array(1024);

  #grow(): void {
    const cap = this.target.length * 2;
    const grow = <A extends Uint16Array | Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.target = grow(this.target, (n) => new Uint16Array(n));
    this.query = grow(this.query, (n) => new Uint16Array(n));
    this.iteration = grow(this.iteration, (n) => new Int32Array(n));
    this.startNs = grow(this.startNs, (n) => new Float64Array(n));
    this.elapsedNs = grow(this.elapsedNs, (n) => new Float64Array(n));
    this.ok = grow(this.ok, (n) => new Uint8Array(n));
  }

  #lastQuery = '';
  #lastCategory = '';
  #lastKey = '';
  #queryKey(r: Row): string {
    this.#lastQuery = r.query_id;
    this.#lastCategory = r.category;
    return (this.#lastKey = `${r.query_id}\u0000${r.category}`);
  }

  push(r: Row): void {
    if (this.length === this.target.length) this.#grow();
    const i = this.length++;
    this.target[i] = this.targets.code(r.target, () => r.target);
    this.query[i] = this.queries.code(r.category === this.#lastCategory && r.query_id === this.#lastQuery ? this.#lastKey : this.#queryKey(r), () => ({ id: r.query_id, category: r.category }));
    this.iteration[i] = r.iteration;
    this.startNs[i] = r.start_ns;
    this.elapsedNs[i] = r.elapsed_ns;
    this.ok[i] = r.ok === 1 ? 1 : 0;
  }

  /** The columns, sorted by start_ns (stable: rows with equal starts keep their order). */
  finish(): SampleColumns {
    const n = this.length;
    const cols: SampleColumns = {
      length: n, targets: this.targets.values, queries: this.queries.values,
      target: this.target.subarray(0, n), query: this.query.subarray(0, n), iteration: this.iteration.subarray(0, n),
      startNs: this.startNs.subarray(0, n), elapsedNs: this.elapsedNs.subarray(0, n), ok: this.ok.subarray(0, n),
    };
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (cols.startNs[i]! < cols.startNs[i - 1]!) sorted = false;
    if (sorted) return cols;
    // The measure loop writes in start order, so this is rare (e.g. rows inserted by hand).
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => cols.startNs[a]! - cols.startNs[b]! || a - b);
    const permute = <A extends Uint16Array | Int32Array | Float64Array | Uint8Array>(a: A): A => {
      const b = a.slice() as A;
      for (let i = 0; i < n; i++) b[i] = a[order[i]!]!;
      return b;
    };
    return {
      ...cols, target: permute(cols.target), query: permute(cols.query), iteration: permute(cols.iteration),
      startNs: permute(cols.startNs), elapsedNs: permute(cols.elapsedNs), ok: permute(cols.ok),
    };
  }
}

/** Columns of rows already in memory (tests, and callers holding SampleRow[]). */
export function sampleColumnsOf(rows: readonly Row[]): SampleColumns {
  const b = new ColumnBuilder();
  for (const r of rows) b.push(r);
  return b.finish();
}

/**
 * A number column as exact text: integers (what measure writes) as they are; a REAL with 17
 * significant digits, since SQLite's own REAL-to-text keeps only 15.
 */
const exact = (col: string) => `CASE WHEN typeof(${col}) = 'integer' THEN ${col} ELSE printf('%.17g', ${col}) END`;
const US = '\u001f'; // between values of a text column
const RS = '\u001e'; // between target, query id and category of one row

type Page = { n: number; last: number | null };

/**
 * The general path: one page as one row of group_concat strings, one per column (all aggregated
 * in the same pass over the same rows, so their values line up), numbers as exact text.
 */
async function readPageAsText(db: SqliteDb, runId: string, phase: string, after: number, pageSize: number, b: ColumnBuilder, split: Map<string, [string, string, string]>): Promise<Page> {
  const page = await db.get<{ n: number; last: number | null; keys: string | null; iteration: string | null; start: string | null; elapsed: string | null; ok: string | null }>(
    `SELECT count(*) AS n, max(rid) AS last, ${KEYS} AS keys,
            group_concat(iteration) AS iteration, group_concat(${exact('start_ns')}) AS start,
            group_concat(${exact('elapsed_ns')}) AS elapsed, group_concat(ok) AS ok
       FROM ${pageOf}`,
    [runId, phase, after, pageSize],
  );
  const n = page?.n ?? 0;
  if (n === 0) return { n, last: null };
  const keys = checked(page!.keys!.split(US), n, runId);
  const iteration = checked(page!.iteration!.split(','), n, runId);
  const start = checked(page!.start!.split(','), n, runId);
  const elapsed = checked(page!.elapsed!.split(','), n, runId);
  const ok = checked(page!.ok!.split(','), n, runId);
  for (let i = 0; i < n; i++) {
    const k = keyParts(keys[i]!, split);
    b.push({ target: k[0], query_id: k[1], category: k[2], iteration: Number(iteration[i]), start_ns: Number(start[i]), elapsed_ns: Number(elapsed[i]), ok: ok[i] === '1' ? 1 : 0 });
  }
  return { n, last: page!.last };
}

function checked(values: string[], n: number, runId: string): string[] {
  if (values.length !== n) throw new Error(`reading samples of run ${runId}: a page of ${n} rows gave ${values.length} values of one column`);
  return values;
}

function keyParts(key: string, split: Map<string, [string, string, string]>): [string, string, string] {
  let parts = split.get(key);
  if (!parts) split.set(key, (parts = key.split(RS) as [string, string, string]));
  return parts;
}

const pageOf = `(SELECT rowid AS rid, target, query_id, category, iteration, start_ns, elapsed_ns, ok
                   FROM samples WHERE run_id = ? AND phase = ? AND rowid > ? ORDER BY rowid LIMIT ?)`;
const KEYS = `group_concat(target || char(30) || query_id || char(30) || category, char(31))`;

/** Widths of the fixed-width fast path: start_ns, elapsed_ns (< 10^16 ns = 115 days), iteration, ok. */
const W = { start: 16, elapsed: 16, iteration: 10 } as const;
const ROW = W.start + W.elapsed + W.iteration + 1;

/** Parses `len` decimal digits of `s` at `at` (no allocation). */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) v = v * 10 + (s.charCodeAt(i) - 48);
  return v;
}

/**
 * Reads one phase of a run as columns, a page of `pageSize` rows (by rowid, through the
 * (run_id, phase) index) per query, without a JavaScript object per sample (the driver's row
 * objects cost ~20× the scan itself at 1,000,000 rows, measured).
 *
 * Fast path, for what measure writes (non-negative integers below 10^16): the numbers of a page
 * come as one string of fixed-width `printf` rows parsed digit by digit, the keys as one
 * group_concat string. A page holding anything else (a REAL, a negative or huge number — `odd`)
 * is read again by the general path, which transports exact text per column.
 */
export async function readSampleColumns(db: SqliteDb, runId: string, phase: 'warmup' | 'measure', pageSize = 100_000): Promise<SampleColumns> {
  const b = new ColumnBuilder();
  const split = new Map<string, [string, string, string]>();
  const query = (after: number) =>
    db.get<{ n: number; last: number | null; odd: number | null; keys: string | null; rows: string | null }>(
      `SELECT count(*) AS n, max(rid) AS last,
              sum(typeof(start_ns) != 'integer' OR typeof(elapsed_ns) != 'integer' OR typeof(iteration) != 'integer'
                  OR min(start_ns, elapsed_ns, iteration) < 0 OR max(start_ns, elapsed_ns) >= 1e16 OR iteration >= 1e10) AS odd,
              ${KEYS} AS keys,
              group_concat(printf('%0${W.start}d%0${W.elapsed}d%0${W.iteration}d%d', start_ns, elapsed_ns, iteration, ok = 1), '') AS rows
         FROM ${pageOf}`,
      [runId, phase, after, pageSize],
    );
  let after = -1;
  let pending = query(after);
  for (;;) {
    const page = await pending;
    const n = page?.n ?? 0;
    if (n === 0) break;
    const more = n === pageSize;
    // SQLite runs on the libuv pool: the next page is scanned while this one is parsed.
    const from = after;
    if (more) pending = query((after = page!.last!));
    if (page!.odd) {
      await readPageAsText(db, runId, phase, from, pageSize, b, split);
    } else {
      const keys = checked(page!.keys!.split(US), n, runId);
      const text = page!.rows!;
      if (text.length !== n * ROW) throw new Error(`reading samples of run ${runId}: a page of ${n} rows gave ${text.length} characters, expected ${n * ROW}`);
      for (let i = 0, at = 0; i < n; i++, at += ROW) {
        const k = keyParts(keys[i]!, split);
        b.push({
          target: k[0], query_id: k[1], category: k[2],
          start_ns: digits(text, at, W.start), elapsed_ns: digits(text, at + W.start, W.elapsed),
          iteration: digits(text, at + W.start + W.elapsed, W.iteration), ok: text.charCodeAt(at + ROW - 1) === 49 ? 1 : 0,
        });
      }
    }
    if (!more) break;
  }
  return b.finish();
}
