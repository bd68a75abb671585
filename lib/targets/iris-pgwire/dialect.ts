import type { BindOrder } from '../bind.js';
import type { Dialect } from '../dialect.js';
import { irisBindOrder, irisDialect } from '../iris-sql/dialect.js';
import { pgvectorGatewayBindOrder, pgvectorGatewayDialect } from './pgvector-gateway-dialect.js';

/**
 * The two dialects iris-pgwire can send (option `dialect`), both through the gateway to IRIS:
 * `iris` — IRIS SQL with its `?` bind order, what an application written for IRIS sends (the
 * default); `pgvector` — the same IRIS SQL for everything but the measured queries, which are
 * pgvector SQL as an unchanged PostgreSQL application sends it, in the form the gateway documents
 * it translates (pgvector-gateway-dialect.ts says what differs from the shared pgvector dialect and why).
 */
export const dialects = {
  iris: { dialect: irisDialect, bindOrder: irisBindOrder },
  pgvector: { dialect: pgvectorGatewayDialect, bindOrder: pgvectorGatewayBindOrder },
} as const satisfies Record<string, { dialect: Dialect; bindOrder: BindOrder }>;
