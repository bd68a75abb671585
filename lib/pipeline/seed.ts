import type { StageContext } from '../cli/run-stage.js';
import { progressBar } from '../cli/progress.js';
import { PathbenchError, errorText } from '../errors.js';
import { stopwatch } from '../measure/stopwatch.js';
import { getDataset, fingerprintsFor, upsertDataset, writeFingerprint } from '../store/datasets.js';
import { fillTemplate } from '../targets/dialect.js';
import type { Session } from '../targets/interface.js';
import { readBack } from './dataset-readback.js';
import { GENERATOR_VERSION, type MetadataRow } from '../workload/generator.js';
import type { DatasetMetadata } from '../workload/dataset-metadata.js';
import { FINGERPRINT_CHUNK, chunkRanges, expectedFingerprint, expectedFingerprintOf, type ExpectedFingerprint } from '../workload/fingerprint.js';
import { datasetBatches, datasetIdOf, datasetMetadataOf, datasetOrigin, datasetSpecOf, describeDataset, indexSpecOf } from './dataset.js';
import { NOT_UNIT_NORM } from './dataset-norms.js';
import { indexBuildEstimate } from './index-estimate.js';
import { readMarker } from './marker.js';
import { SeedStepError, seedStep, seedStepFailure } from './seed-step.js';
import { chooseLoaders } from './seed-loader.js';
import { requireValidated } from './requirements.js';
import { closeSessions, loadTargets, openSessions, type OpenTarget } from './targets.js';

interface LoadFigures {
  load_seconds: number | null;
  index_seconds: number | null;
  rows_per_second: number | null;
}

/** The dataset's metadata rows (the generator's, or a file's columns: datasetMetadataOf), a chunk at a time. */
function* metadataChunks(size: number, meta: DatasetMetadata): Generator<MetadataRow[]> {
  for (const [first, last] of chunkRanges(size)) yield Array.from({ length: last - first + 1 }, (_, i) => meta.row(first + i));
}

/** Drop, create, bulk-load, index and analyze one database through `t`. */
async function load(ctx: StageContext, t: OpenTarget, dsId: string): Promise<LoadFigures> {
  const c = ctx.config;
  const d = t.module.dialect;
  const s: Session = t.session;
  await seedStep(t, 'creating the vector extension', () => s.exec(d.create_extension));
  await seedStep(t, 'dropping the old tables', () => s.exec(d.drop_tables));
  await seedStep(t, 'creating the tables', () => s.exec(fillTemplate(d.create_tables, { dims: c.vector_dims })));

  const bar = progressBar(`seed ${t.id}`, c.dataset_size, 'rows');
  const loadClock = stopwatch();
  let done = 0;
  await seedStep(t, 'loading the vectors', () =>
    s.loadVectors(d.copy_vectors, datasetBatches(c, FINGERPRINT_CHUNK), (rows) => {
      done += rows;
      bar.update(done);
      // Interrupted: stop loading; the database keeps no marker, so it counts as not seeded.
      if (ctx.signal.aborted) throw ctx.signal.reason;
    }),
  );
  await seedStep(t, 'loading the metadata', () => s.loadMetadata(d.copy_metadata, metadataChunks(c.dataset_size, datasetMetadataOf(c))));
  bar.stop();
  const loadSeconds = loadClock.seconds();
  ctx.log(`${t.id}: loaded ${done.toLocaleString('en-US')} rows in ${loadSeconds.toFixed(1)} s (${Math.round(done / loadSeconds).toLocaleString('en-US')} rows/s)`);

  await seedStep(t, 'creating the secondary indexes', () => s.exec(d.create_secondary_indexes));
  ctx.log(`${t.id}: building ${indexSpecOf(c)} on ${done.toLocaleString('en-US')} rows…${await indexBuildEstimate(ctx.store, t.id, indexSpecOf(c), done, c.vector_dims)}`);
  const indexClock = stopwatch();
  // build_parallel_workers is a server target's option (postgres); embedded engines build single-threaded.
  const parallelWorkers = Number(t.ctx.options.build_parallel_workers ?? 0);
  await seedStep(t, `building the HNSW index (${indexSpecOf(c)}) on ${done.toLocaleString('en-US')} rows`, () =>
    s.exec(fillTemplate(d.create_hnsw_index, { m: c.hnsw.m, ef_construction: c.hnsw.ef_construction, parallel_workers: parallelWorkers })),
  );
  const indexSeconds = indexClock.seconds();
  ctx.log(`${t.id}: index built in ${indexSeconds.toFixed(1)} s`);
  await seedStep(t, 'analyzing the tables', () => s.exec(d.analyze));
  await seedStep(t, 'writing the dataset marker', () => s.query(d.write_marker, [dsId, indexSpecOf(c)]));
  return { load_seconds: loadSeconds, index_seconds: indexSeconds, rows_per_second: done / loadSeconds };
}

/**
 * seed: load the generated dataset into every configured target (once per database: pglite and
 * pglite-wire share one, as iris-native and iris-pgwire do — it is loaded through the target
 * chooseLoaders() picks), build the HNSW index, then read a fingerprint back through each
 * target's own path and compare it with the generator's. A database already holding this
 * dataset and index is not reloaded unless --force.
 */
export async function seed(ctx: StageContext): Promise<void> {
  await requireValidated(ctx);
  const c = ctx.config;
  const spec = datasetSpecOf(c);
  const dsId = datasetIdOf(c);
  const indexSpec = indexSpecOf(c);

  let expected: ExpectedFingerprint;
  const known = await getDataset(ctx.store, dsId);
  if (known) expected = { vectorsHash: known.vectors_hash, metadataHash: known.metadata_hash };
  else {
    // A file is read once here, start to end: its fingerprint, and whether its vectors are unit-length.
    const fromFile = c.dataset_file ? await expectedFingerprintOf(datasetBatches(c, FINGERPRINT_CHUNK), spec.size, datasetMetadataOf(c)) : undefined;
    expected = fromFile ?? expectedFingerprint(spec);
    const generator = spec.distribution?.kind === 'clustered' ? `${GENERATOR_VERSION} clustered(${JSON.stringify(spec.distribution)})` : GENERATOR_VERSION;
    await upsertDataset(ctx.store, {
      dataset_id: dsId, generator: `${datasetOrigin(c, generator)}${fromFile && !fromFile.unitNorm ? ` ${NOT_UNIT_NORM}` : ''}`, size: spec.size, dims: spec.dims, seed: spec.seed,
      vectors_hash: expected.vectorsHash, metadata_hash: expected.metadataHash,
    });
  }
  ctx.log(`dataset ${dsId}: ${describeDataset(c)}, ${indexSpec}`);

  const previous = new Map((await fingerprintsFor(ctx.store, dsId)).map((f) => [f.database_key, f]));
  const targets = await openSessions(await loadTargets(c, ctx.root), 'seed');
  try {
    const figures = new Map<string, LoadFigures>();
    for (const { key, loader: t, readers, reason } of chooseLoaders(targets)) {
      if (readers.length) ctx.log(`${key}: loaded through ${t.id} (${reason}); ${readers.map((r) => r.id).join(', ')} read${readers.length === 1 ? 's' : ''} it back`);
      const marker = await readMarker(t);
      if (!ctx.flags.force && marker?.datasetId === dsId && marker.indexSpec === indexSpec) {
        ctx.log(`${t.id}: already holds ${dsId} with ${indexSpec}; not reloading (--force reloads)`);
        const p = previous.get(key);
        figures.set(key, { load_seconds: p?.load_seconds ?? null, index_seconds: p?.index_seconds ?? null, rows_per_second: p?.rows_per_second ?? null });
      } else {
        figures.set(key, await load(ctx, t, dsId));
      }
    }

    const mismatches: string[] = [];
    for (const t of targets) {
      const key = t.module.databaseKey(t.ctx);
      const got = await readBack(t, spec.size, spec.dims);
      const matches = got.rows === spec.size && got.meta === spec.size && got.vectorsHash === expected.vectorsHash && got.metadataHash === expected.metadataHash;
      await writeFingerprint(ctx.store, {
        dataset_id: dsId, target: t.id, database_key: key, index_spec: indexSpec, row_count: got.rows, metadata_count: got.meta,
        vectors_hash: got.vectorsHash, metadata_hash: got.metadataHash, matches: matches ? 1 : 0, ...figures.get(key)!,
        table_bytes: got.tableBytes, index_bytes: got.indexBytes,
      });
      if (matches) ctx.log(`${t.id}: fingerprint ok (${got.rows.toLocaleString('en-US')} rows, vectors ${got.vectorsHash.slice(0, 12)}…)`);
      else mismatches.push(`${t.id}: read back ${got.rows} rows / ${got.meta} metadata rows, vectors ${got.vectorsHash.slice(0, 12)}…, metadata ${got.metadataHash.slice(0, 12)}…; expected ${spec.size} rows, vectors ${expected.vectorsHash.slice(0, 12)}…, metadata ${expected.metadataHash.slice(0, 12)}…`);
    }
    if (mismatches.length) {
      throw new PathbenchError(`seed: the data read back differs from the generator's:\n  - ${mismatches.join('\n  - ')}\nRe-run \`make seed ARGS=--force\`.`);
    }
  } catch (err) {
    if (err instanceof PathbenchError) throw err;
    if (err instanceof SeedStepError) throw new PathbenchError(seedStepFailure(err), undefined, { cause: err.original });
    throw new PathbenchError(`seed failed: ${errorText(err)}`, undefined, { cause: err });
  } finally {
    await closeSessions(targets);
  }
}

