import type { BindOrder } from '../bind.js';
import type { Dialect } from '../dialect.js';
import { irisBindOrder, irisDialect } from '../iris-sql/dialect.js';
import { pgvectorDialect } from '../pgvector-sql/dialect.js';

/**
 * The two dialects iris-pgwire can send (option `dialect`): IRIS SQL with its `?` bind order, or
 * the shared pgvector dialect as is (numbered $n parameters, catalogue order). Nothing is
 * overridden: the point of each mode is to send exactly what that kind of application sends.
 */
export const dialects = {
  iris: { dialect: irisDialect, bindOrder: irisBindOrder },
  pgvector: { dialect: pgvectorDialect, bindOrder: undefined },
} as const satisfies Record<string, { dialect: Dialect; bindOrder: BindOrder | undefined }>;
