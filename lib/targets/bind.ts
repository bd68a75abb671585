import { fillTemplate, type StatementId } from './dialect.js';
import type { Dialect } from './dialect.js';
import type { QueryId } from '../workload/queries.js';

/**
 * How a dialect's positional placeholders map onto the catalogue's parameters.
 *
 * The catalogue (lib/workload/queries.ts) binds its logical parameters in one order, and
 * PostgreSQL dialects address them by number ($1, $2, … — pgvector SQL reuses $1 for the query
 * vector in both the select list and the ORDER BY). A dialect with anonymous `?` placeholders
 * (InterSystems IRIS), or whose `$n` a gateway turns into `?` in order of appearance (iris-pgwire's
 * pgvector mode), cannot reuse or reorder by number, so it says, per statement, which catalogue
 * parameter each placeholder receives, in the order they appear: `[1, 0, 0]` binds params[1],
 * params[0], params[0]. Statements without an entry bind the catalogue order as is.
 */
export type BindOrder = Partial<Record<StatementId, readonly number[]>>;

/**
 * Measured queries sent as several statements, one after the other, in ONE measured request (each
 * in autocommit; lib/measure/prepare.ts sendCall): the statement of each step and which catalogue
 * parameters it binds, in catalogue order (the module's bindOrder, if it names the statement, then
 * applies to that selection). delete_insert is two on every dialect: IRIS SQL has no
 * data-modifying WITH nor RETURNING to make it one, so no path makes it one (docs/writes.md).
 */
export const QUERY_STEPS: Partial<Record<QueryId, readonly { statement: StatementId; params: readonly number[] }[]>> = {
  delete_insert: [
    { statement: 'delete_insert', params: [0] },
    { statement: 'delete_insert_reinsert', params: [0, 1, 2, 3] },
  ],
};

export interface BoundStatement {
  sql: string;
  params: unknown[];
}

/** Integers a statement template may use besides DDL: `{dims}` (TO_VECTOR length) and the like. */
export type TemplateVars = Record<string, number>;

/**
 * The template variables of the measured queries, fixed for a run: `{dims}` (the TO_VECTOR length)
 * and `{k}` (IRIS `TOP {k}`, the gateway dialect's `LIMIT {k}`: literals, because k cannot be a
 * bound parameter on those paths). Every caller of bindFor for a measured query passes these.
 */
export function queryVars(shape: { vector_dims: number; k: number }): TemplateVars {
  return { dims: shape.vector_dims, k: shape.k };
}

const TEMPLATE_VAR = /\{\w+\}/;

/**
 * The SQL text and parameter list to send for `statementId`: the dialect's text with template
 * variables filled (validated integers only, see fillTemplate), and the catalogue parameters
 * rearranged by the module's bindOrder. The one place that reads bindOrder; the timed loops and
 * the verification pass call it before they start, never inside a timed region.
 */
export function bindFor(
  module: { dialect: Dialect; bindOrder?: BindOrder },
  statementId: StatementId,
  params: readonly unknown[],
  vars: TemplateVars = {},
): BoundStatement {
  const template = module.dialect[statementId];
  if (template === undefined) throw new Error(`this dialect has no statement ${statementId} (the target declares it in queriesWithoutStatement)`);
  const sql = TEMPLATE_VAR.test(template) ? fillTemplate(template, vars) : template;
  const order = module.bindOrder?.[statementId];
  if (!order) return { sql, params: [...params] };
  return {
    sql,
    params: order.map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= params.length) {
        throw new Error(`bindOrder.${statementId} refers to parameter ${i}, but the catalogue binds ${params.length}`);
      }
      return params[i];
    }),
  };
}

/**
 * Positions of `?` placeholders outside string literals, quoted identifiers and comments, in
 * order. IRIS SQL has no other positional marker, so this is how the number of parameters of a
 * statement is known (the golden tests compare it with bindOrder).
 */
export function questionMarks(sql: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close; // '' inside a literal re-opens on the next iteration: still skipped
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '?') out.push(i);
  }
  return out;
}

/** `?` → `$1, $2, …` in order (for a PostgreSQL-wire client talking to a server that speaks `?`). */
export function numberPlaceholders(sql: string): string {
  const marks = questionMarks(sql);
  let out = '';
  let last = 0;
  marks.forEach((pos, n) => {
    out += `${sql.slice(last, pos)}$${n + 1}`;
    last = pos + 1;
  });
  return out + sql.slice(last);
}

/**
 * Split a script of statements separated by `;` at the end of a line. Dialect scripts are written
 * that way (one statement, `;`, newline): IRIS SQL prepares one statement at a time and rejects a
 * trailing semicolon (SQLCODE -25, see "Language Elements" in the InterSystems SQL reference:
 * https://docs.intersystems.com/irislatest/csp/docbook/platforms/DocBook.UI.Page.cls?KEY=GSQL_langelements).
 */
export function splitScript(script: string): string[] {
  return script
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
