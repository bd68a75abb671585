import type { Capabilities, Session } from './interface.js';
import { EXPLAIN_JSON_PREFIX, INDEX_METHODS_SQL } from './pgvector-sql/dialect.js';
import { classifyPostgresPlan } from './pgvector-sql/explain-plan.js';
import type { PlanAccess } from './plan-access.js';

export type PlanFormatId = Exclude<NonNullable<Capabilities['plans']>, 'none'>;

/** Context read once per capture on a session (index name → access method), stored with each plan. */
export type IndexMethods = Record<string, string>;

/**
 * One way of asking an engine for a plan and reading it, keyed by the `plans` capability value
 * (never by target id). capture() runs untimed; classify() is pure, so stored plans can be read
 * again offline.
 */
export interface PlanFormat {
  indexMethods(session: Session): Promise<IndexMethods>;
  /** The plan of `sql` with `params` bound, as text. */
  explain(session: Session, sql: string, params: readonly unknown[]): Promise<string>;
  classify(plan: string, methods: Readonly<IndexMethods>): PlanAccess;
}

const postgresJson: PlanFormat = {
  async indexMethods(session) {
    const r = await session.query(INDEX_METHODS_SQL);
    return Object.fromEntries(r.rows.map((row) => [String(row[0]), String(row[1])]));
  },
  async explain(session, sql, params) {
    const r = await session.query(EXPLAIN_JSON_PREFIX + sql, params);
    const v = r.rows[0]?.[0];
    // pg and PGlite both parse the json column; stored as compact JSON text either way.
    return typeof v === 'string' ? JSON.stringify(JSON.parse(v)) : JSON.stringify(v);
  },
  classify: classifyPostgresPlan,
};

export const PLAN_FORMATS: Record<PlanFormatId, PlanFormat> = { 'postgres-json': postgresJson };

/** The capture format of a target, or undefined when it captures none (capability default `none`). */
export function planFormatOf(capabilities: Capabilities): { id: PlanFormatId; format: PlanFormat } | undefined {
  const id = capabilities.plans ?? 'none';
  return id === 'none' ? undefined : { id, format: PLAN_FORMATS[id] };
}
