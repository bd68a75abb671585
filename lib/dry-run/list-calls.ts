import type { Dialect } from '../targets/dialect.js';
import { bindLines, formatValue, type ListedStatement } from './format.js';
import type { SessionCall } from './recording-session.js';

/**
 * The statement id whose dialect text (template variables as integers) is `sql`, else undefined.
 * Dialects reuse a text under several ids (IRIS: ping and create_extension are both `SELECT 1`);
 * the first of `prefer` that matches wins, then the first match in dialect order.
 */
export function statementIdOf(dialect: Dialect, sql: string, prefer: readonly string[] = []): string | undefined {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  const want = norm(sql);
  const matches = Object.entries(dialect)
    .filter(([, template]) => {
      const t = norm(template);
      if (t === want) return true;
      return t.includes('{') && new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '\\d+')}$`).test(want);
    })
    .map(([id]) => id);
  return prefer.find((id) => matches.includes(id)) ?? matches[0];
}

/**
 * Recorded session calls as listed statements, in order of first use. Queries sent again with the
 * same SQL (the chunked read-backs, calibration) are listed once, with their count and the first
 * call's parameters.
 * Bulk loads show the statement, how rows travel, and the first row.
 */
export function listCalls(
  calls: readonly SessionCall[],
  dialect: Dialect,
  dims: number,
  /** Statement ids to name first when a text is shared (those of the stage listing). */
  prefer: readonly string[],
  labelOf?: (sql: string) => string | undefined,
): ListedStatement[] {
  const out: ListedStatement[] = [];
  const seen = new Map<string, { count: number; entry: ListedStatement }>();
  for (const c of calls) {
    const again = c.kind === 'query' ? seen.get(c.sql) : undefined;
    if (again) {
      again.count++;
      again.entry.times = `× ${again.count.toLocaleString('en-US')}${again.entry.binds.length ? ' (parameters of the first shown)' : ''}`;
      continue;
    }
    const label = labelOf?.(c.sql) ?? statementIdOf(dialect, c.sql, prefer) ?? 'statement';
    let entry: ListedStatement;
    switch (c.kind) {
      case 'query':
        entry = { label, sql: c.sql, binds: bindLines(c.sql, c.params, dims) };
        break;
      case 'exec':
        entry = { label, sql: c.sql, binds: [] };
        break;
      case 'load_vectors':
        entry = {
          label, sql: c.sql, binds: [],
          times: 'streamed: every row of the dataset',
          note: c.first ? `first row: id = ${c.first.id}, embedding = ${formatValue(c.first.vector, dims)}; batches of ${c.batchRows ?? '?'} rows` : 'no rows',
        };
        break;
      case 'load_metadata':
        entry = {
          label, sql: c.sql, binds: [],
          times: 'streamed: every row of the dataset',
          note: c.first
            ? `first row: vector_id = ${c.first.vectorId}, label = ${formatValue(c.first.label, dims)}, category = ${formatValue(c.first.category, dims)}, created_at = ${formatValue(new Date(c.first.createdAtMs), dims)}`
            : 'no rows',
        };
        break;
    }
    out.push(entry);
    if (c.kind === 'query') seen.set(c.sql, { count: 1, entry });
  }
  return out;
}
