/**
 * The iris-pgwire gateway's own rewrite rules for an extended-protocol SELECT, re-implemented
 * from its source for tests only, so the statements pathbench sends can be checked against what
 * the gateway will do with them without a gateway. Source: https://github.com/intersystems-community/iris-pgwire
 * at commit 54d8128 (the snapshot read); each rule names its file and function. Only the rules
 * that touch pathbench's measured statements are here, in the gateway's order:
 *
 *  1. protocol.py, PGWireProtocol.translate_postgres_parameters (called by handle_parse_message):
 *     `re.sub(r"\$\d+", "?", sql)` — every `$n` becomes `?`, in order, the number ignored; then
 *     `(\?|'[^']*'|\d+)::(\w+)` casts become CAST(…) (pathbench sends no `::`: the tests check that).
 *  2. vector_optimizer.py, VectorQueryOptimizer.optimize_query, STEP 0: `sql.rstrip(";").strip()`.
 *  3. … STEP 1, _convert_limit_to_top: `\s+LIMIT\s+(\d+)(?:\s+OFFSET\s+(\d+))?\s*(;?)$` (a numeric
 *     LIMIT at the very end) is removed and `TOP n ` inserted after the first `SELECT [DISTINCT]`.
 *  4. … STEP 2, _rewrite_operators_in_text, the branch for a parameter placeholder on the right:
 *     `a <=> ?` → `VECTOR_COSINE(a, TO_VECTOR(?, DOUBLE))`; `<->` anywhere → NotImplementedError
 *     (IRISExecutor then logs "Vector optimization failed, using normalized query" and sends the
 *     statement untranslated); `a <#> ?` → `(-VECTOR_DOT_PRODUCT(a, TO_VECTOR(?, DOUBLE)))`.
 * Not re-implemented: the optimizer's later substitution of a short bound vector into the SQL text
 * as a literal (it removes that parameter and its `?` together, so counts stay consistent).
 */

/** Rule 1 (without the casts). */
export function gatewayParameters(sql: string): string {
  return sql.replace(/\$\d+/g, '?');
}

/** The gateway's LIMIT pattern (rule 3), for tests that check a statement matches it. */
export const GATEWAY_LIMIT = /\s+LIMIT\s+(\d+)(?:\s+OFFSET\s+(\d+))?\s*(;?)$/i;

/** Rule 3. */
export function gatewayLimitToTop(sql: string): string {
  const m = GATEWAY_LIMIT.exec(sql);
  if (!m) return sql;
  const without = sql.slice(0, m.index) + m[3]!;
  return without.replace(/(SELECT\s+(?:DISTINCT\s+)?)/i, `$1TOP ${m[1]!} `);
}

const SIDE = String.raw`([\w.]+|'[^']*'|\[[^\]]*\])`;
const RIGHT = String.raw`('[^']*'|\[[^\]]*\]|\?|%s|\$\d+)`;

/** Thrown where the gateway raises NotImplementedError for `<->`. */
export class GatewayL2Error extends Error {}

/** Rule 4, for a placeholder on the right (the only form pathbench sends). */
export function gatewayOperators(sql: string): string {
  let out = sql;
  if (out.includes('<=>')) out = out.replace(new RegExp(`${SIDE}\\s*<=>\\s*${RIGHT}`, 'g'), (_, a: string, b: string) => `VECTOR_COSINE(${a}, TO_VECTOR(${b}, DOUBLE))`);
  if (out.includes('<->')) throw new GatewayL2Error('L2 distance operator (<->) is not supported by IRIS.');
  if (out.includes('<#>')) out = out.replace(new RegExp(`${SIDE}\\s*<#>\\s*${RIGHT}`, 'g'), (_, a: string, b: string) => `(-VECTOR_DOT_PRODUCT(${a}, TO_VECTOR(${b}, DOUBLE)))`);
  return out;
}

/** What IRIS receives for `sql` (rules 1–4); `<->` gives the untranslated statement, as the executor's fallback does. */
export function gatewayForward(sql: string): { sql: string; l2Rejected: boolean } {
  const prepared = gatewayLimitToTop(gatewayParameters(sql).replace(/;+$/, '').trim());
  try {
    return { sql: gatewayOperators(prepared), l2Rejected: false };
  } catch (err) {
    if (err instanceof GatewayL2Error) return { sql: prepared, l2Rejected: true };
    throw err;
  }
}
