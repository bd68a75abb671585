import type { SampleRow } from './samples.js';
import type { PreparedStatement, SqliteDb } from './sqlite.js';

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

  /** Capacity for `n` more rows. */
  reserve(n: number): void {
    while (this.length + n > this.target.length) this.#grow();
  }

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

/**
 * The general path: one page as one row of group_concat strings, one per column (all aggregated
 * in the same pass over the same rows, so their values line up), numbers as exact text.
 */
async function readPageAsText(db: SqliteDb, range: PageRange, b: ColumnBuilder, split: Map<string, [string, string, string]>): Promise<void> {
  const page = await db.get<{ n: number; keys: string | null; iteration: string | null; start: string | null; elapsed: string | null; ok: string | null }>(
    `SELECT count(*) AS n, ${KEYS} AS keys,
            group_concat(iteration) AS iteration, group_concat(${exact('start_ns')}) AS start,
            group_concat(${exact('elapsed_ns')}) AS elapsed, group_concat(ok) AS ok
       FROM ${PAGE}`,
    range.params,
  );
  const n = page?.n ?? 0;
  if (n === 0) return;
  const runId = range.params[0];
  const keys = checked(page!.keys!.split(US), n, runId);
  const iteration = checked(page!.iteration!.split(','), n, runId);
  const start = checked(page!.start!.split(','), n, runId);
  const elapsed = checked(page!.elapsed!.split(','), n, runId);
  const ok = checked(page!.ok!.split(','), n, runId);
  for (let i = 0; i < n; i++) {
    const k = keyParts(keys[i]!, split);
    b.push({ target: k[0], query_id: k[1], category: k[2], iteration: Number(iteration[i]), start_ns: Number(start[i]), elapsed_ns: Number(elapsed[i]), ok: ok[i] === '1' ? 1 : 0 });
  }
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

/**
 * One page: the phase's rows in a range of rowids, aggregated straight off the table through the
 * (run_id, phase) index, whose entries are in rowid order (so every group_concat of one query
 * lists the same rows in the same order; they line up by position). Ranges rather than
 * `ORDER BY rowid LIMIT n` in a subquery: the subquery copies every column of every row once
 * more, measured ~0.5 s per 1,000,000 rows.
 */
const PAGE = `samples WHERE run_id = ? AND phase = ? AND rowid > ? AND rowid <= ?`;
interface PageRange { params: [runId: string, phase: string, after: number, last: number] }
const KEYS = `group_concat(target || char(30) || query_id || char(30) || category, char(31))`;

/** Keys of the run seen so far, as SQL knows them: the dictionary the fast path's CASE encodes. */
interface KeyDictionary {
  targets: string[];
  /** query id → its categories (an id normally has one). */
  queries: Map<string, string[]>;
}

/** A key the dictionary does not hold encodes below zero: any part unknown makes the sum negative. */
const UNKNOWN = -(2 ** 40);
const QUERY_CODES = 2 ** 16;
/** Beyond this many keys the CASE grows long; pages are then read by the general path. */
const MAX_FAST_KEYS = 4096;

/**
 * The fast path's key expression: target index × 2^16 + (query id, category) index, as one
 * integer per row from two CASEs over bound values (no string built per row; measured in the
 * sqlite3 shell on 1,000,000 rows: 0.63 s with the codes against 1.41 s for the concatenated key
 * strings, scan included). `queries[q]` is the key of query index q.
 */
function keyCode(d: KeyDictionary): { sql: string; params: string[]; queries: [string, string][] } {
  const params: string[] = [];
  const queries: [string, string][] = [];
  // No key yet (no rows, or none in the first page's scan): every row reads as unknown.
  if (d.targets.length === 0 || d.queries.size === 0) return { sql: String(UNKNOWN), params, queries };
  let sql = 'CASE target';
  d.targets.forEach((t, i) => (sql += ` WHEN ? THEN ${i * QUERY_CODES}`, params.push(t)));
  sql += ` ELSE ${UNKNOWN} END + CASE query_id`;
  for (const [id, categories] of d.queries) {
    sql += ' WHEN ? THEN CASE category';
    params.push(id);
    for (const c of categories) sql += ` WHEN ? THEN ${queries.length}`, params.push(c), queries.push([id, c]);
    sql += ` ELSE ${UNKNOWN} END`;
  }
  sql += ` ELSE ${UNKNOWN} END`;
  return { sql, params, queries };
}

/** Adds the keys of one page to the dictionary (a scan of that page only). */
async function learnKeys(db: SqliteDb, range: PageRange, d: KeyDictionary): Promise<void> {
  const rows = await db.all<{ target: string; query_id: string; category: string }>(`SELECT DISTINCT target, query_id, category FROM ${PAGE}`, range.params);
  for (const r of rows) {
    if (!d.targets.includes(r.target)) d.targets.push(r.target);
    const cs = d.queries.get(r.query_id);
    if (!cs) d.queries.set(r.query_id, [r.category]);
    else if (!cs.includes(r.category)) cs.push(r.category);
  }
}

/**
 * Parses a group_concat of integers ("12,5,880") into `out` from `at`; false when any value is
 * not a non-negative integer JavaScript holds exactly (a REAL prints with '.', a negative with
 * '-'; both, and anything ≥ 2^53, are left to the exact general path).
 */
function parseIntegers(text: string, n: number, out: { [i: number]: number }, at: number): boolean {
  let v = 0;
  let j = at;
  let digits = 0;
  for (let k = 0; k < text.length; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d === -4) {
      // ','
      if (digits === 0 || v > Number.MAX_SAFE_INTEGER) return false;
      out[j++] = v;
      v = 0;
      digits = 0;
    } else if (d >= 0 && d <= 9) {
      v = v * 10 + d;
      digits++;
    } else return false;
  }
  if (digits === 0 || v > Number.MAX_SAFE_INTEGER) return false;
  out[j++] = v;
  return j - at === n;
}

export interface ReadCounts {
  /** Pages read by the fast path, by the general (exact text) path, and re-read after new keys. */
  fast: number;
  text: number;
  relearned: number;
  /** Connections that read pages (2 for a file store of more than one page). */
  connections?: number;
}

/**
 * Reads one phase of a run as columns, a page of `pageSize` rowids per query, without a
 * JavaScript object per sample (the driver's row objects cost ~20× the scan itself at 1,000,000
 * rows, measured).
 *
 * Fast path, for what measure writes (non-negative integers below 2^53, keys already seen): each
 * column of a page comes as one group_concat string of SQLite's own integer text, the key as an
 * integer code (`keyCode`); parsed digit by digit into typed arrays. A page with a key not yet in
 * the dictionary adds its keys and is read again; a page holding anything else (a REAL, a
 * negative or huge number) is read by the general path, which transports exact text per column.
 */
export async function readSampleColumns(db: SqliteDb, runId: string, phase: 'warmup' | 'measure', pageSize = 100_000, counts?: ReadCounts): Promise<SampleColumns> {
  const b = new ColumnBuilder();
  const bounds = await db.get<{ lo: number | null; hi: number | null }>('SELECT min(rowid) AS lo, max(rowid) AS hi FROM samples WHERE run_id = ? AND phase = ?', [runId, phase]);
  if (bounds?.lo == null || bounds.hi == null) return b.finish();
  const { lo, hi } = bounds;
  const ranges: PageRange[] = [];
  for (let after = lo - 1; after < hi; after += pageSize) ranges.push({ params: [runId, phase, after, Math.min(after + pageSize, hi)] });
  // Two connections scan alternate pages on two pool threads (measured, quiet: the scan of
  // 1,000,000 rows 1.07–1.11 s → 0.54–0.68 s) while this thread parses; an in-memory store has only the one.
  const second = ranges.length > 1 ? await db.openReader().catch(() => null) : null;
  const conns = second ? [db, second] : [db];
  if (counts) counts.connections = conns.length;
  const dict: KeyDictionary = { targets: [], queries: new Map() };
  await learnKeys(db, { params: [runId, phase, lo - 1, Math.min(lo - 1 + Math.min(pageSize, 10_000), hi)] }, dict);
  const statements: PreparedStatement[] = [];
  const encode = async (): Promise<Encoding> => {
    const code = keyCode(dict);
    const sql = `SELECT count(*) AS n, group_concat(${code.sql}) AS code, group_concat(start_ns) AS start,
                        group_concat(elapsed_ns) AS elapsed, group_concat(iteration) AS iteration, group_concat(ok = 1) AS ok
                   FROM ${PAGE}`;
    const stmts = await Promise.all(conns.map((c) => c.prepare(sql)));
    statements.push(...stmts);
    return { ...code, targets: [...dict.targets], stmts, targetOf: [], queryOf: [] };
  };
  // A page remembers the encoding its query used: a dictionary learnt meanwhile may renumber keys.
  const read = (e: Encoding, k: number) => {
    const page = e.stmts[k % e.stmts.length]!.get<FastPage>([...e.params, ...ranges[k]!.params]);
    // Whoever awaits it sees a failure; one still in flight when another page fails must not
    // become an unhandled rejection.
    page.catch(() => undefined);
    return { e, page };
  };
  const split = new Map<string, [string, string, string]>();
  const codes = new Float64Array(pageSize);
  let enc = await encode();
  try {
    // Prepared statements start executing on the pool at once (SqliteDb.prepare): one page in
    // flight per connection, the next issued as soon as one is taken.
    const inFlight = new Map<number, ReturnType<typeof read>>();
    for (let k = 0; k < Math.min(conns.length, ranges.length); k++) inFlight.set(k, read(enc, k));
    for (let k = 0; k < ranges.length; k++) {
      let { e, page: pending } = inFlight.get(k)!;
      inFlight.delete(k);
      let page = (await pending)!;
      const n = page?.n ?? 0;
      let known = n === 0 || parseIntegers(page.code!, n, codes, 0);
      let learnt = false;
      while (!known) {
        if (e !== enc) {
          // Read with an older dictionary: read again with the current one.
          ({ e, page: pending } = read(enc, k));
          page = (await pending)!;
          known = parseIntegers(page.code!, n, codes, 0);
        } else if (!learnt && enc.targets.length * enc.queries.length < MAX_FAST_KEYS) {
          // A key first seen on this page: learn the page's keys (then read it again, above).
          await learnKeys(db, ranges[k]!, dict);
          if (counts) counts.relearned++;
          learnt = true;
          enc = await encode();
        } else break; // left to the general path
      }
      if (k + conns.length < ranges.length) inFlight.set(k + conns.length, read(enc, k + conns.length));
      if (n === 0) continue;
      b.reserve(n);
      const i0 = b.length;
      const fast = known &&
        parseIntegers(page.start!, n, b.startNs, i0) && parseIntegers(page.elapsed!, n, b.elapsedNs, i0) &&
        parseIntegers(page.iteration!, n, b.iteration, i0) && parseIntegers(page.ok!, n, b.ok, i0);
      if (fast) {
        for (let i = 0; i < n; i++) {
          const c = codes[i]!;
          const t = Math.floor(c / QUERY_CODES);
          const q = c - t * QUERY_CODES;
          // Dictionary index → the builder's code, assigned on first sight so that codes follow
          // the order rows first show each key, as on the general path.
          let bt = e.targetOf[t];
          if (bt === undefined) bt = e.targetOf[t] = b.targets.code(e.targets[t]!, () => e.targets[t]!);
          let bq = e.queryOf[q];
          if (bq === undefined) {
            const [id, category] = e.queries[q]!;
            bq = e.queryOf[q] = b.queries.code(`${id}\u0000${category}`, () => ({ id, category }));
          }
          b.target[i0 + i] = bt;
          b.query[i0 + i] = bq;
        }
        b.length += n;
        if (counts) counts.fast++;
      } else {
        await readPageAsText(db, ranges[k]!, b, split);
        if (counts) counts.text++;
      }
    }
  } finally {
    // Statements with a page still in flight (after a failure) finalize once it is done.
    await Promise.all(statements.map((st) => st.finalize()));
    await second?.close();
  }
  return b.finish();
}

type FastPage = { n: number; code: string | null; start: string | null; elapsed: string | null; iteration: string | null; ok: string | null };

/** One dictionary as SQL (keyCode) and the statements that use it, one per connection. */
interface Encoding extends ReturnType<typeof keyCode> {
  targets: string[];
  stmts: PreparedStatement[];
  /** Dictionary index → the builder's code (filled on first sight). */
  targetOf: number[];
  queryOf: number[];
}
