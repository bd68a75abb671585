import type { Dialect } from '../dialect.js';
import { dialect as pgliteDialect } from '../pglite/dialect.js';

/**
 * The same PGlite database behind a PostgreSQL-wire socket: queries are PostgreSQL + pgvector,
 * and bulk loading goes through the in-process engine (COPY FROM STDIN over pglite-socket breaks
 * the server), so the COPY statements are PGlite's '/dev/blob' ones.
 */
export const dialect = { ...pgliteDialect } as const satisfies Dialect;
