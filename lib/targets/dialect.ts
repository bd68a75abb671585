import type { QueryId } from '../workload/queries.js';

/**
 * Every SQL statement a target needs, keyed by statement id. Each target's dialect.ts declares
 * `satisfies Dialect`, so a missing statement is a compile error. Nothing outside dialect files
 * contains SQL of a target.
 *
 * Placeholders in `{braces}` are filled by fillTemplate() with validated integers only (DDL
 * cannot bind parameters, nor can IRIS's `TOP {k}` or the gateway dialect's `LIMIT {k}`: see
 * queryVars in bind.ts); everything else is bound ($1, $2, ... in catalogue order, or as the
 * target's bindOrder maps positional placeholders: see bind.ts).
 */
export type SetupStatementId =
  | 'create_extension'
  | 'drop_tables'
  | 'create_tables'
  | 'copy_vectors'
  | 'copy_metadata'
  | 'create_secondary_indexes'
  | 'create_hnsw_index'
  | 'analyze'
  | 'write_marker'
  | 'read_marker'
  | 'set_ef_search'
  | 'set_iterative_scan'
  | 'count_vectors'
  | 'count_metadata'
  | 'fingerprint_vectors'
  | 'fingerprint_metadata'
  | 'server_version'
  | 'vector_version'
  | 'vector_available'
  | 'server_settings'
  | 'relation_sizes'
  | 'ping'
  // Undoing the write queries (lib/pipeline/write-undo.ts): rows above the dataset's range, labels update_metadata wrote.
  | 'delete_written_rows'
  | 'written_label_ids'
  | 'restore_label'
  /** The server's clock as epoch milliseconds (a number): shards' clock offsets (lib/measure/shard-clock.ts). */
  | 'server_clock'
  // Dataset ids ≤ $1 whose metadata row is missing: a delete_insert whose INSERT never ran (write-undo.ts).
  | 'missing_metadata_ids';

/**
 * Statements that are the later steps of a measured query sent as several statements in one
 * request (QUERY_STEPS in bind.ts): delete_insert's DELETE is `delete_insert`, its INSERT this.
 */
export type StepStatementId = 'delete_insert_reinsert';

export type StatementId = QueryId | SetupStatementId | StepStatementId;

/**
 * Statements a dialect may leave out, because its engine has no single statement for them. A
 * target whose dialect leaves one out declares it, with the reason, in its capability
 * `queriesWithoutStatement`: the query probe then marks it "not supported on this path" without
 * running anything (lib/pipeline/query-probe.ts). Every other statement is required. (Every
 * shipped dialect has delete_insert since it became two plain statements, QUERY_STEPS in bind.ts;
 * an engine that cannot run them may still leave it out.)
 */
export type OptionalStatementId = 'delete_insert';
export type Dialect = Readonly<Record<Exclude<StatementId, OptionalStatementId>, string>> & Readonly<Partial<Record<OptionalStatementId, string>>>;
/** A dialect with every statement (the pgvector ones): `satisfies CompleteDialect`. */
export type CompleteDialect = Readonly<Record<StatementId, string>>;

export function fillTemplate(sql: string, vars: Record<string, number>): string {
  return sql.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined || !Number.isInteger(v)) throw new Error(`template variable {${name}} must be an integer, got ${String(v)}`);
    return String(v);
  });
}
