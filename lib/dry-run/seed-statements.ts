import type { ResolvedConfig } from '../config/load.js';
import { datasetBatches, datasetIdOf, datasetMetadataOf, indexSpecOf } from '../pipeline/dataset.js';
import { readMarker } from '../pipeline/marker.js';
import { chooseLoaders } from '../pipeline/seed-loader.js';
import type { LoadedTarget, OpenTarget } from '../pipeline/targets.js';
import { fillTemplate } from '../targets/dialect.js';
import { metadataChunkHashFromRows, vectorChunkHashFromRows } from '../targets/row-fingerprint.js';
import type { MetadataRow } from '../workload/generator.js';
import type { DatasetMetadata } from '../workload/dataset-metadata.js';
import { FINGERPRINT_CHUNK, chunkRanges } from '../workload/fingerprint.js';
import { listCalls } from './list-calls.js';
import { recordingSession } from './recording-session.js';
import type { DrySection } from './sections.js';

/** The statement ids seed sends, for naming shared texts (IRIS count_vectors = simple_count). */
const SEED_IDS = ['read_marker', 'create_extension', 'drop_tables', 'create_tables', 'copy_vectors', 'copy_metadata', 'create_secondary_indexes', 'create_hnsw_index', 'analyze', 'write_marker', 'count_vectors', 'count_metadata', 'fingerprint_vectors', 'fingerprint_metadata', 'relation_sizes'];

/** The dataset's metadata rows (the generator's, or a file's columns: datasetMetadataOf), a chunk at a time. */
function* metadataChunks(size: number, meta: DatasetMetadata): Generator<MetadataRow[]> {
  for (const [first, last] of chunkRanges(size)) yield Array.from({ length: last - first + 1 }, (_, i) => meta.row(first + i));
}

/**
 * What `seed` sends, target by target, in the order of lib/pipeline/seed.ts: first, per database,
 * the target chooseLoaders() picks (as seed does) checks the marker and loads it (drop, create,
 * bulk load, secondary indexes, HNSW index, statistics, marker); then every target reads the
 * fingerprint back through its own path. Each step below is the call seed.ts makes, with the same
 * dialect statement and template variables, on a recording session; the read-back uses the same
 * chunking functions. Keep this in step with seed.ts (test/unit/dry-run.test.ts compares it with
 * what a real seed sends through PGlite).
 */
export async function seedSections(c: ResolvedConfig, targets: readonly LoadedTarget[]): Promise<DrySection[]> {
  const dsId = datasetIdOf(c);
  const indexSpec = indexSpecOf(c);
  const dims = c.vector_dims;
  const sections: DrySection[] = [];
  // The same choice seed makes (a `preferred` loader such as iris-native, else the first in targets).
  const loaderOf = new Map(chooseLoaders(targets).map((ch) => [ch.key, ch] as const));

  for (const t of targets) {
    const key = t.module.databaseKey(t.ctx); // also selects iris-pgwire's dialect, as in seed
    const rec = recordingSession();
    const s = rec.session;
    const open: OpenTarget = { ...t, session: s };
    const choice = loaderOf.get(key)!;
    if (choice.loader.id !== t.id) {
      sections.push({ target: t, heading: `load: none — database ${key} is loaded once, through ${choice.loader.id} (${choice.reason})`, statements: [] });
      continue;
    }
    const d = t.module.dialect;
    await readMarker(open);
    await s.exec(d.create_extension);
    await s.exec(d.drop_tables);
    await s.exec(fillTemplate(d.create_tables, { dims }));
    await s.loadVectors(d.copy_vectors, datasetBatches(c, FINGERPRINT_CHUNK));
    await s.loadMetadata(d.copy_metadata, metadataChunks(c.dataset_size, datasetMetadataOf(c)));
    await s.exec(d.create_secondary_indexes);
    const parallelWorkers = Number(t.ctx.options.build_parallel_workers ?? 0);
    await s.exec(fillTemplate(d.create_hnsw_index, { m: c.hnsw.m, ef_construction: c.hnsw.ef_construction, parallel_workers: parallelWorkers }));
    await s.exec(d.analyze);
    await s.query(d.write_marker, [dsId, indexSpec]);
    sections.push({
      target: t,
      heading: `load: database ${key} (read_marker first: a database already holding ${dsId} with this index is not reloaded unless --force)`,
      statements: listCalls(rec.calls, d, dims, SEED_IDS).map((x) => ({ ...x, sql: x.sql.includes('{dims}') ? fillTemplate(x.sql, { dims }) : x.sql })),
    });
  }

  for (const t of targets) {
    const rec = recordingSession();
    const s = rec.session;
    const d = t.module.dialect;
    const q = (sql: string, params?: unknown[]) => s.query(sql, params);
    await q(d.count_vectors);
    await q(d.count_metadata);
    const asRows = t.module.capabilities.fingerprintReadBack === 'rows';
    for (const [a, b] of chunkRanges(c.dataset_size)) {
      if (asRows) await vectorChunkHashFromRows(s, d.fingerprint_vectors, a, b, dims);
      else await q(d.fingerprint_vectors, [a, b]);
      if (asRows) await metadataChunkHashFromRows(s, d.fingerprint_metadata, a, b);
      else await q(d.fingerprint_metadata, [a, b]);
    }
    await q(d.relation_sizes);
    sections.push({
      target: t,
      heading: `read-back: counts and the fingerprint in chunks of ${FINGERPRINT_CHUNK.toLocaleString('en-US')} rows${asRows ? ' (rows returned and hashed here: fingerprintReadBack rows)' : ' (hashed by the server)'}`,
      statements: listCalls(rec.calls, d, dims, SEED_IDS),
    });
  }
  return sections;
}
