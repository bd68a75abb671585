import type { TargetModule } from './interface.js';

/**
 * Whether a target can set the HNSW search breadth (ef_search) at query time, through its
 * dialect's `set_ef_search` (capability `efSearch`, default `session`).
 *
 * pgvector (pglite, pglite-wire, postgres, iris-pgwire in pgvector mode): `hnsw.ef_search`, a
 * session setting. InterSystems IRIS SQL (iris-native, iris-pgwire in iris mode): `fixed`. The
 * SQL index class %SQL.Index.HNSW documents three parameters — Distance, M (16) and
 * efConstruction (64) — and nothing for search time
 * (https://docs.intersystems.com/irisforhealthlatest/csp/documatic/%25CSP.Documatic.cls?LIBRARY=%25SYS&CLASSNAME=%25SQL.Index.HNSW).
 * An efSearch exists only one level down, as a property of the ObjectScript indexer
 * %SQL.VectorIndex.HNSWIndexer and an argument of its TopK(point, k, efSearch) method
 * (https://docs.intersystems.com/irisforhealthlatest/csp/documatic/%25CSP.Documatic.cls?LIBRARY=%25SYS&CLASSNAME=%25SQL.VectorIndex.HNSWIndexer):
 * calling that bypasses SQL, so it would measure another path than the SQL query every target
 * runs. No SQL statement, session option or query hint for it is documented, so IRIS is recorded
 * as not tunable and an ef_search sweep measures it once, at the engine's default.
 */
export function efSearchTunable(m: Pick<TargetModule, 'capabilities'>): boolean {
  return (m.capabilities.efSearch ?? 'session') === 'session';
}
