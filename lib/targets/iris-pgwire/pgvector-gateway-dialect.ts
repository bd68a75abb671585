import type { BindOrder } from '../bind.js';
import type { Dialect } from '../dialect.js';
import { irisBindOrder, irisDialect } from '../iris-sql/dialect.js';
import { pgvectorDialect } from '../pgvector-sql/dialect.js';
import type { QueryId } from '../../workload/queries.js';

/**
 * iris-pgwire with `dialect: pgvector` — an unchanged PostgreSQL + pgvector application pointed at
 * IRIS through the gateway. Only the measured queries are pgvector SQL; everything else (DDL,
 * loading, marker, counts, fingerprint, versions, settings) is the IRIS SQL of `dialect: iris`,
 * because the gateway cannot carry the pgvector versions of those: it answers `current_setting()`
 * / `set_config()` with a canned 'off' and `pg_extension` with no rows instead of asking IRIS
 * (src/iris_pgwire/iris_executor.py, IRISExecutor.execute_query), has no vector_send() nor binary
 * COPY, and IRIS rejects pgvector's types in DDL. Sources: https://github.com/intersystems-community/iris-pgwire
 * at commit 54d8128 (the snapshot read for this file); function names are given so they can be
 * found again in later versions.
 *
 * The measured queries are written in the form the gateway documents it translates
 * (KNOWN_LIMITATIONS.md "pgvector Operator Support": `SELECT * FROM vectors ORDER BY embedding <=> %s
 * LIMIT 5`; README "Vector Operations"), which differs from the
 * shared pgvector dialect in two ways, both only in the kNN queries:
 *
 * 1. Each `$n` appears exactly once, numbered in order of appearance. The gateway replaces every
 *    `$n` with `?` in order and ignores the number (`re.sub(r"\$\d+", "?", sql)`,
 *    src/iris_pgwire/protocol.py, PGWireProtocol.translate_postgres_parameters, called from
 *    handle_parse_message), then counts the `?` to infer the parameter count. pgvector's
 *    `… <=> $1 … ORDER BY … <=> $1` would become two `?` for one bound value. So the vector is
 *    bound twice (`$1` and `$2`, or `$1` and `$3` around the category), exactly like IRIS's
 *    positional `?` — which is why the bind order is irisBindOrder.
 * 2. `LIMIT {k}` is a literal (filled from the run's k by bindFor/queryVars). The gateway turns
 *    only a numeric LIMIT at the very end of the statement into IRIS `TOP n`
 *    (`\s+LIMIT\s+(\d+)(?:\s+OFFSET\s+(\d+))?\s*(;?)$`, src/iris_pgwire/vector_optimizer.py,
 *    VectorQueryOptimizer._convert_limit_to_top); `LIMIT $2` would reach IRIS as `LIMIT ?`.
 *    IRIS's own DB-API notes say a parameterised TOP fails (docs/IRIS_DBAPI_LIMITATIONS_JIRA.md §2).
 *
 * Vectors are bound as pgvector text ('[x1,x2,…]', a text parameter): the gateway's Bind handler
 * keeps a text parameter that does not parse as a number as a string, and its vector optimizer
 * accepts '[…]' (VectorQueryOptimizer._convert_vector_to_literal). Binary parameters are decoded
 * only as PostgreSQL arrays or fixed-size scalars; anything else, such as pgvector's vector_send
 * bytes, falls back to `data.decode("utf-8", errors="replace")` (protocol.py,
 * PGWireProtocol._decode_binary_parameter). So `vector_param_format` does not apply to this mode.
 *
 * The simple queries and the join are the shared pgvector text, unchanged: `LIMIT 10` is already a
 * literal and each has at most one parameter.
 *
 * What the gateway then sends to IRIS (VectorQueryOptimizer._rewrite_operators_in_text):
 * `a <=> ?` → `VECTOR_COSINE(a, TO_VECTOR(?, DOUBLE))`, `a <#> ?` → `(-VECTOR_DOT_PRODUCT(a,
 * TO_VECTOR(?, DOUBLE)))`, `<->` → NotImplementedError (the executor then falls back to the
 * untranslated text, which IRIS cannot parse). The `<#>` rewrite keeps pgvector's sign (negative
 * inner product, ascending = largest first). The `<=>` rewrite does not: VECTOR_COSINE is a
 * similarity, pgvector's `<=>` a distance, and the ORDER BY stays ascending — through the gateway
 * the cosine queries would return the *farthest* rows with their similarity as "distance". And
 * both rewrites build a DOUBLE vector against our VECTOR(FLOAT) column, which IRIS documents as
 * SQLCODE -259 ("If the vectors are of differing numeric types", RSQL_vectorcosine and
 * RSQL_vectordotproduct). Hence GATEWAY_UNSUPPORTED below; the verification pass would flag the
 * cosine ordering (recall) if a gateway version ran these queries.
 */
export const pgvectorGatewayDialect = {
  ...irisDialect,
  simple_select_all: pgvectorDialect.simple_select_all,
  simple_select_id: pgvectorDialect.simple_select_id,
  simple_count: pgvectorDialect.simple_count,
  join: pgvectorDialect.join,
  vector_cosine: 'SELECT id, embedding <=> $1 AS distance FROM benchmark_vectors ORDER BY embedding <=> $2 LIMIT {k}',
  vector_l2: 'SELECT id, embedding <-> $1 AS distance FROM benchmark_vectors ORDER BY embedding <-> $2 LIMIT {k}',
  vector_inner_product:
    'SELECT id, (embedding <#> $1) * -1 AS inner_product FROM benchmark_vectors ORDER BY embedding <#> $2 LIMIT {k}',
  vector_filter: `SELECT v.id, v.embedding <=> $1 AS distance
                  FROM benchmark_vectors v JOIN benchmark_metadata m ON m.vector_id = v.id
                  WHERE m.category = $2
                  ORDER BY v.embedding <=> $3 LIMIT {k}`,
  // The write queries as a PostgreSQL application sends them: the shared pgvector text (each $n
  // once, in order, so the gateway's `?` rewrite binds them right). What the gateway then does with
  // a pgvector text vector in an INSERT, or with `$4::timestamp AT TIME ZONE 'UTC'` in
  // delete_insert's re-insert, was not observed (docs/writes.md): the probe finds out.
  insert_one: pgvectorDialect.insert_one,
  update_metadata: pgvectorDialect.update_metadata,
  delete_insert: pgvectorDialect.delete_insert,
  delete_insert_reinsert: pgvectorDialect.delete_insert_reinsert,
} as const satisfies Dialect;

/**
 * The catalogue parameter behind each `$n`, in order: the same positions as IRIS's `?` (the
 * vector twice, the category between them, k never — it is the literal LIMIT {k}).
 */
export const pgvectorGatewayBindOrder: BindOrder = irisBindOrder;

const SOURCE = 'iris-pgwire 54d8128';
const DOUBLE_VS_FLOAT =
  'the gateway binds the query vector as TO_VECTOR(?, DOUBLE) (vector_optimizer.py, _rewrite_operators_in_text) and the column is VECTOR(FLOAT); ' +
  'IRIS fails vector functions on differing numeric types with SQLCODE -259 (InterSystems SQL reference, RSQL_vectorcosine / RSQL_vectordotproduct)';

/**
 * The measured queries this path is expected not to run, with the reason (capability
 * `unsupportedQueries`): measure probes each once and reports a failing one as "not supported on
 * this path" with the gateway's error; one that runs after all is measured like any other.
 */
export const GATEWAY_UNSUPPORTED: Partial<Record<QueryId, string>> = {
  vector_l2: `the gateway does not translate <-> (L2 distance): its vector optimizer raises NotImplementedError (vector_optimizer.py, _rewrite_operators_in_text; KNOWN_LIMITATIONS.md) [${SOURCE}]`,
  vector_cosine: `${DOUBLE_VS_FLOAT}; and <=> becomes VECTOR_COSINE, a similarity, still ordered ascending (farthest rows first) [${SOURCE}]`,
  vector_filter: `${DOUBLE_VS_FLOAT}; and <=> becomes VECTOR_COSINE, a similarity, still ordered ascending (farthest rows first) [${SOURCE}]`,
  vector_inner_product: `${DOUBLE_VS_FLOAT} [${SOURCE}]`,
};
