import type { QueryMode } from '../targets/query-mode.js';
import { dollarPlaceholders } from '../targets/sql-literals.js';
import type { ParamKind, QueryTemplate } from '../workload/queries.js';

/** The parameter kinds pgbenchScripts draws; a query binding any other is refused at the flag (pgbench-query.ts). */
export const PGBENCH_PARAMS = ['row_id', 'label', 'query_vector', 'k'] as const satisfies readonly ParamKind[];

/**
 * The pgbench side of `make bench-peers`: one pathbench statement as pgbench custom scripts, with
 * parameters drawn the way pathbench draws them (lib/workload/params.ts), so that pgbench sends
 * the same statement in the same protocol (-M simple | extended | prepared):
 * - row_id → `\set id random(1, N)` (pathbench: uniform over 1..N from a seeded stream);
 * - label → `\set l random(1, N)`, sent as `'vector_' || :l` in extended/prepared mode (pgbench
 *   variables set by \set are numbers, so the text is built by the server: one concatenation more
 *   than pathbench's bound text) and as the literal `'vector_:l'` in simple mode (pgbench
 *   substitutes variables inside quotes there: the very literal pathbench renders);
 * - query_vector → one script per pool vector, `:qv<i>` from `-D qv<i>=[…]`, all scripts of equal
 *   weight (pathbench: a uniform pick from the pool); a text parameter in extended/prepared mode,
 *   the quoted literal `':qv<i>'` in simple mode;
 * - k → `:k` from `-D k=<k>` (a parameter, as pathbench binds it; a bare number in simple mode).
 * The category parameter (vector_filter) is not used by the three compared queries.
 */
export interface PgbenchScripts {
  /** Script texts; run with `-f file@1` each. */
  scripts: string[];
  /** `-D name=value` definitions. */
  defines: Record<string, string>;
}

export function pgbenchScripts(q: QueryTemplate, sql: string, mode: QueryMode, o: { datasetSize: number; k: number; pool: readonly string[] }): PgbenchScripts {
  const marks = dollarPlaceholders(sql);
  const simple = mode === 'simple';
  const vectorIn = q.params.includes('query_vector');
  const variants = vectorIn ? o.pool.map((_, i) => i) : [0];
  const defines: Record<string, string> = {};
  if (q.params.includes('k')) defines.k = String(o.k);
  if (vectorIn) o.pool.forEach((v, i) => (defines[`qv${i}`] = v));
  const scripts = variants.map((vi) => {
    const sets: string[] = [];
    const valueOf = (n: number): string => {
      const kind = q.params[n - 1];
      switch (kind) {
        case 'row_id':
          if (!sets.includes('id')) sets.push('id');
          return ':id';
        case 'label':
          if (!sets.includes('l')) sets.push('l');
          return simple ? `'vector_:l'` : `'vector_' || :l`;
        case 'query_vector':
          return simple ? `':qv${vi}'` : `:qv${vi}`;
        case 'k':
          return ':k';
        default:
          throw new Error(`bench-peers: pgbench scripts do not cover the ${String(kind)} parameter of ${q.id}`);
      }
    };
    let body = '';
    let last = 0;
    for (const m of marks) {
      body += sql.slice(last, m.pos) + valueOf(m.n);
      last = m.pos + m.len;
    }
    body += sql.slice(last);
    const header = sets.map((v) => `\\set ${v} random(1, ${o.datasetSize})\n`).join('');
    // pgbench ends a statement at a newline unless the line ends in a continuation: one line.
    return `${header}${body.replace(/\s*\n\s*/g, ' ').trim()};\n`;
  });
  return { scripts, defines };
}

/**
 * Per-transaction latencies (ms) from pgbench's `-l` log lines: `client_id transaction_no time
 * script_no time_epoch time_us [schedule_lag]`, `time` in µs (pgbench docs, "Per-Transaction
 * Logging"). A line whose time is `skipped` or `failed` is an error here: the comparison needs
 * every request.
 */
export function pgbenchLatenciesMs(log: string): number[] {
  const out: number[] = [];
  for (const line of log.split('\n')) {
    if (!line.trim()) continue;
    const f = line.trim().split(/\s+/);
    const us = Number(f[2]);
    if (f.length < 6 || !Number.isFinite(us)) throw new Error(`bench-peers: unexpected pgbench log line "${line}"`);
    out.push(us / 1000);
  }
  return out;
}

/** A block with more than this share of its transactions unmeasured (0 µs) is run again (bench-peers). */
export const UNMEASURED_LIMIT = 0.1;

/**
 * A pgbench block's latencies with the transactions it could not time left out: those it logged at
 * 0 µs. pgbench reads its clock lazily, once per pass of a client's state machine (pgbench.c,
 * advanceConnectionState, `pg_time_now_lazy`): when the result is already there the first time it
 * looks — its server backend ran on its CPU right after the send — the whole transaction falls in one
 * pass, and start and end are the same reading. Measured here (PostgreSQL 15.20, pgbench 15.20,
 * `SELECT 1`, 3,000 transactions a run): 45 at 0 µs with pgbench and the server on one CPU
 * (taskset), none with them on different CPUs; a `make bench-peers` block once had most of its
 * transactions at 0 µs (p50 0).
 */
export function measuredLatenciesMs(latenciesMs: readonly number[]): { ms: number[]; unmeasured: number } {
  const ms = latenciesMs.filter((x) => x > 0);
  return { ms, unmeasured: latenciesMs.length - ms.length };
}

