import { fillTemplate } from '../dialect.js';
import { irisVectorText, isoUtcTimestamp } from '../iris-sql/dialect.js';
import { rowsPerQuery } from '../row-fingerprint.js';
import type { MetadataRow, VectorBatch } from '../../workload/generator.js';

/**
 * Bulk loading for iris-native: rows go to PathBench.SQL.Batch in pages, one round trip per page,
 * each page executed server-side in one transaction (TSTART/TCOMMIT in the class). A page is one
 * JSON string, kept under IRIS's string limit by rowsPerQuery(dims). Built on the main thread
 * while the session's worker sends the previous page.
 */
export interface BatchPage {
  sql: string;
  rowsJson: string;
  /** Generated rows handed over once this page is sent (0 except on a batch's last page). */
  completes: number;
}

export function* vectorPages(sql: string, batches: Iterable<VectorBatch>): Generator<BatchPage> {
  for (const batch of batches) {
    const insert = fillTemplate(sql, { dims: batch.dims });
    const page = rowsPerQuery(batch.dims);
    for (let first = 0; first < batch.count; first += page) {
      const last = Math.min(batch.count, first + page);
      const rows: [number, string][] = [];
      for (let r = first; r < last; r++) rows.push([batch.firstId + r, irisVectorText(batch.data.subarray(r * batch.dims, (r + 1) * batch.dims))]);
      yield { sql: insert, rowsJson: JSON.stringify(rows), completes: last === batch.count ? batch.count : 0 };
    }
  }
}

export function* metadataPages(sql: string, chunks: Iterable<readonly MetadataRow[]>): Generator<BatchPage> {
  for (const chunk of chunks) {
    const rows = chunk.map((m) => [m.vectorId, m.label, m.category, isoUtcTimestamp(m.createdAtMs)]);
    yield { sql, rowsJson: JSON.stringify(rows), completes: chunk.length };
  }
}
