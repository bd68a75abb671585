import { lastIndexBuild } from '../store/history.js';
import type { SqliteDb } from '../store/sqlite.js';

/**
 * The HNSW build is one SQL statement: it cannot report progress, and nothing may print while it
 * is timed. Instead `seed` prints one start line with an estimate from the last recorded build of
 * the same index spec on the same target, scaled by n·ln(n)·dims (HNSW insertion is ~log n
 * distance computations per row, each O(dims)). Empty when there is no earlier build.
 */
export async function indexBuildEstimate(db: SqliteDb, target: string, indexSpec: string, rows: number, dims: number): Promise<string> {
  const prev = await lastIndexBuild(db, target, indexSpec).catch(() => undefined);
  if (!prev || prev.size < 2 || rows < 2) return '';
  const cost = (n: number, d: number) => n * Math.log(n) * d;
  const est = prev.index_seconds * (cost(rows, dims) / cost(prev.size, prev.dims));
  const same = prev.size === rows && prev.dims === dims;
  const basis = same ? `last build of this size took ${prev.index_seconds.toFixed(1)} s` : `scaled from ${prev.index_seconds.toFixed(1)} s for ${prev.size.toLocaleString('en-US')} × ${prev.dims}`;
  return ` (estimate ~${est < 10 ? est.toFixed(1) : Math.round(est).toLocaleString('en-US')} s, ${basis}; no progress is shown while it runs)`;
}
