/**
 * `make bench-seed`: is the project's bulk load as fast as PostgreSQL's own client? Loads the same
 * N × d vectors (default 100,000 × 1024, seed 42) into the postgres target two ways:
 *   project — generate + encode + COPY FROM STDIN (binary) through pg, exactly what `seed` does;
 *   psql    — `\copy … FROM file WITH (FORMAT binary)` of a file holding the same bytes.
 * Each is run twice (the best of two is reported, after a truncate each time) into a database of
 * its own (pathbench_bench) so a seeded `benchmark` database is never touched. Goal: ratio ≤ 1.3.
 *
 * Flags: the usual stage flags (--config, default config/local.yaml; --dataset-size; --vector-dims).
 *
 * --from-file: instead, the same vectors written to an ann-benchmarks HDF5 file (streamed, one
 * batch at a time, with h5wasm), then loaded two ways through the project, best of two each:
 * generated (as above) and read from the file (lib/pipeline/dataset.ts datasetBatches(), what
 * `seed` does with `dataset: {format: hdf5}`). Goal: file rows/s ≥ 0.8 × generated rows/s. The
 * peak RSS of this process is printed: the file is never held whole.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseStageFlags } from '../lib/config/cli-flags.js';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT } from '../lib/env/package-version.js';
import { stopwatch } from '../lib/measure/stopwatch.js';
import { fillTemplate } from '../lib/targets/dialect.js';
import { COPY_TRAILER, copyHeader, copyVectorRows } from '../lib/targets/pgvector-sql/copy-binary.js';
import { resolvePassword, type PostgresOptions } from '../lib/targets/postgres/options.js';
import { loadTarget } from '../lib/targets/registry.js';
import { vectorBatches, type DatasetSpec } from '../lib/workload/generator.js';
import { resolveDatasetFile } from '../lib/config/dataset-file.js';
import { datasetBatches } from '../lib/pipeline/dataset.js';
import { queryVectorPool } from '../lib/workload/params.js';
import type { Session } from '../lib/targets/interface.js';
import type { ResolvedConfig } from '../lib/config/load.js';

/** ann-benchmarks layout, written batch by batch (resize + write_slice): never the whole matrix in memory. */
async function writeHdf5Streaming(path: string, spec: DatasetSpec, queries: Float32Array[]): Promise<void> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const f = new h5.File(path, 'w');
  try {
    let train: import('h5wasm/node').Dataset | undefined;
    for (const b of vectorBatches(spec, 1000)) {
      const end = b.firstId - 1 + b.count;
      if (!train) train = f.create_dataset({ name: 'train', data: b.data, shape: [b.count, spec.dims], dtype: '<f4', maxshape: [null, spec.dims], chunks: [1000, spec.dims] });
      else {
        train.resize([end, spec.dims]);
        train.write_slice([[b.firstId - 1, end], [0, spec.dims]], b.data);
      }
    }
    const test = new Float32Array(queries.length * spec.dims);
    queries.forEach((q, i) => test.set(q, i * spec.dims));
    f.create_dataset({ name: 'test', data: test, shape: [queries.length, spec.dims], dtype: '<f4' });
    f.create_attribute('distance', 'angular');
  } finally {
    f.close();
  }
}

/** --from-file: generated vs read from an HDF5 file, both through the project's COPY path. */
async function fromFile(config: ResolvedConfig, spec: DatasetSpec, session: Session, copySql: string, countSql: string, where: string): Promise<number> {
  const path = join(PROJECT_ROOT, 'data', `bench-seed-${spec.size}x${spec.dims}.hdf5`);
  process.stderr.write(`bench-seed: writing ${spec.size.toLocaleString('en-US')} × ${spec.dims} as an ann-benchmarks HDF5 file (streamed)…\n`);
  let w = stopwatch();
  await writeHdf5Streaming(path, spec, queryVectorPool({ ...spec, seed: spec.seed, dataset_size: spec.size, vector_dims: spec.dims, k: config.k, query_vector_pool: config.query_vector_pool }));
  process.stderr.write(`bench-seed: written in ${w.seconds().toFixed(1)} s\n`);
  const fileConfig = await resolveDatasetFile({ ...config, dataset: { format: 'hdf5', path, vector_column: 'embedding' } });
  const timings: { generated: number[]; file: number[] } = { generated: [], file: [] };
  const rssBefore = process.resourceUsage().maxRSS;
  for (let round = 0; round < 2; round++) {
    for (const kind of ['generated', 'file'] as const) {
      await session.exec('TRUNCATE benchmark_vectors CASCADE');
      w = stopwatch();
      await session.loadVectors(copySql, kind === 'file' ? datasetBatches(fileConfig, 1000) : vectorBatches(spec, 1000));
      timings[kind].push(w.seconds());
      const n = Number((await session.query(countSql)).rows[0]?.[0]);
      if (n !== spec.size) throw new Error(`${kind} load left ${n} rows, expected ${spec.size}`);
    }
  }
  await rm(path, { force: true });
  const rate = (s: number) => spec.size / s;
  const g = Math.min(...timings.generated);
  const f = Math.min(...timings.file);
  const ratio = rate(f) / rate(g);
  const mib = (kb: number) => `${Math.round(kb / 1024).toLocaleString('en-US')} MiB`;
  console.log(`bench-seed --from-file: ${spec.size.toLocaleString('en-US')} × ${spec.dims} vectors into PostgreSQL (${where}), best of 2`);
  console.log(`  generated (generate + encode + COPY binary via pg): ${g.toFixed(2)} s  (${Math.round(rate(g)).toLocaleString('en-US')} rows/s)  runs: ${timings.generated.map((t) => t.toFixed(2)).join(', ')}`);
  console.log(`  HDF5 file (h5wasm read + encode + COPY binary):     ${f.toFixed(2)} s  (${Math.round(rate(f)).toLocaleString('en-US')} rows/s)  runs: ${timings.file.map((t) => t.toFixed(2)).join(', ')}`);
  console.log(`  ratio file/generated rows/s: ${ratio.toFixed(2)} (goal ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'NOT met'})`);
  console.log(`  peak RSS of this process: ${mib(rssBefore)} before the loads, ${mib(process.resourceUsage().maxRSS)} after (file: ${mib((spec.size * spec.dims * 4) / 1024)})`);
  return 0;
}

const BENCH_DB = 'pathbench_bench';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const flags = parseStageFlags(argv.filter((a) => a !== '--from-file'));
  const config = await loadConfig(resolve(PROJECT_ROOT, process.argv.includes('--config') ? flags.config : 'config/local.yaml'), {
    dataset_size: 100_000,
    scale: 'production',
    ...flags.overrides,
    targets: ['postgres'],
  });
  const spec = { size: config.dataset_size, dims: config.vector_dims, seed: config.seed };
  const base = config.target_options.postgres as PostgresOptions;
  const target = await loadTarget('postgres');

  // A database of its own, created through the configured one.
  const admin = await target.open({ options: base, root: PROJECT_ROOT });
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB]);
  if (exists.rowCount === 0) await admin.exec(`CREATE DATABASE ${BENCH_DB}`);
  await admin.close();
  const options: PostgresOptions = { ...base, database: BENCH_DB, url: undefined };
  const session = await target.open({ options, root: PROJECT_ROOT });
  const d = target.dialect;
  await session.exec(d.create_extension);
  await session.exec(d.drop_tables);
  await session.exec(fillTemplate(d.create_tables, { dims: spec.dims }));

  if (argv.includes('--from-file')) {
    try {
      return await fromFile(config, spec, session, d.copy_vectors, d.count_vectors, `${options.host}:${options.port}/${BENCH_DB}`);
    } finally {
      await session.close();
    }
  }

  const file = join(PROJECT_ROOT, 'data', `bench-seed-${spec.size}x${spec.dims}.copy`);
  await mkdir(join(PROJECT_ROOT, 'data'), { recursive: true });
  process.stderr.write(`bench-seed: writing ${spec.size.toLocaleString('en-US')} × ${spec.dims} as a binary COPY file…\n`);
  const out = createWriteStream(file);
  out.write(copyHeader());
  for (const b of vectorBatches(spec, 1000)) if (!out.write(copyVectorRows(b))) await once(out, 'drain');
  out.end(COPY_TRAILER);
  await finished(out);

  const psqlEnv = { ...process.env, PGPASSWORD: resolvePassword(options) ?? process.env.PGPASSWORD ?? '' };
  const timings: { project: number[]; psql: number[] } = { project: [], psql: [] };
  for (let round = 0; round < 2; round++) {
    await session.exec('TRUNCATE benchmark_vectors CASCADE');
    let w = stopwatch();
    const r = spawnSync(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', options.host, '-p', String(options.port), '-U', options.user, '-d', BENCH_DB,
        '-c', `\\copy benchmark_vectors (id, embedding) FROM '${file}' WITH (FORMAT binary)`],
      { env: psqlEnv, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`psql \\copy failed: ${r.stderr || r.error?.message}`);
    timings.psql.push(w.seconds());

    await session.exec('TRUNCATE benchmark_vectors CASCADE');
    w = stopwatch();
    await session.loadVectors(d.copy_vectors, vectorBatches(spec, 1000));
    timings.project.push(w.seconds());
    const n = Number((await session.query(d.count_vectors)).rows[0]?.[0]);
    if (n !== spec.size) throw new Error(`project load left ${n} rows, expected ${spec.size}`);
  }
  await session.close();
  await rm(file, { force: true });

  const project = Math.min(...timings.project);
  const psql = Math.min(...timings.psql);
  const ratio = project / psql;
  const rate = (s: number) => Math.round(spec.size / s).toLocaleString('en-US');
  console.log(`bench-seed: ${spec.size.toLocaleString('en-US')} × ${spec.dims} vectors into PostgreSQL (${options.host}:${options.port}/${BENCH_DB}), best of 2`);
  console.log(`  project (generate + encode + COPY binary via pg): ${project.toFixed(2)} s  (${rate(project)} rows/s)  runs: ${timings.project.map((t) => t.toFixed(2)).join(', ')}`);
  console.log(`  psql \\copy binary from a file:                    ${psql.toFixed(2)} s  (${rate(psql)} rows/s)  runs: ${timings.psql.map((t) => t.toFixed(2)).join(', ')}`);
  console.log(`  ratio project/psql: ${ratio.toFixed(2)} (goal ≤ 1.30: ${ratio <= 1.3 ? 'met' : 'NOT met'})`);
  return 0;
}

process.exitCode = await main().catch((err: Error) => {
  process.stderr.write(`bench-seed: error: ${err.message}\n`);
  return 1;
});
