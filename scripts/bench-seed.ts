/**
 * `make bench-seed`: is the project's bulk load as fast as PostgreSQL's own client? Loads the same
 * N × d vectors (default 100,000 × 1024, seed 42) into the postgres target two ways:
 *   project — generate + encode + COPY FROM STDIN (binary) through pg, exactly what `seed` does;
 *   psql    — `\copy … FROM file WITH (FORMAT binary)` of a file holding the same bytes.
 * Each is run twice (the best of two is reported, after a truncate each time) into a database of
 * its own (pathbench_bench) so a seeded `benchmark` database is never touched. Goal: ratio ≤ 1.3.
 *
 * Flags: the usual stage flags (--config, default config/local.yaml; --dataset-size; --vector-dims).
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
import { vectorBatches } from '../lib/workload/generator.js';

const BENCH_DB = 'pathbench_bench';

async function main(): Promise<number> {
  const flags = parseStageFlags(process.argv.slice(2));
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
