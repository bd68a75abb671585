import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { openStore } from '../../lib/store/open.js';
import { chunkRanges, combineChunks, md5Hex, metadataChunkText } from '../../lib/workload/fingerprint.js';
import type { GroundTruth } from '../../lib/workload/ground-truth.js';
import { makeAnnDataset } from '../../scripts/make-ann-hdf5.js';
import { captureOutput } from '../helpers/capture.js';
import { writeMetadataCsv, writeMetadataParquet, writeVectorsCsv, writeVectorsParquet, type MetadataCorpus } from '../helpers/metadata-files.js';
import { tmpProfile } from '../helpers/tmp-profile.js';

/**
 * Metadata from a file's columns end to end on PGlite (docs/own-data.md): a parquet file with
 * string categories and a csv file with integer ones, neither related to id mod 10. Seed loads the
 * file's labels and categories; the fingerprint covers them; vector_filter draws its categories
 * from the file and its recall is scored against exact lists ranked within the file's categories,
 * which this test recomputes by brute force. With ef_search above the row count and a strict
 * iterative scan, the HNSW answer is the exact one: recall 1.0. (Against generated categories the
 * filter would match no row at all.)
 */
const ROWS = 300;
const DIMS = 16;
const Q = 10;
const K = 5;
let corpus: MetadataCorpus;
let test: Float32Array;
let dir: string;

// Uneven categories, unrelated to the id: 3 of 7 rows alpha, 2 beta, 1 gamma, 1 delta.
const categoryOf = (r: number) => ['alpha', 'alpha', 'alpha', 'beta', 'beta', 'gamma', 'delta'][((r * 2654435761) >>> 0) % 7]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pb-own-meta-'));
  const a = await makeAnnDataset({ rows: ROWS, dims: DIMS, queries: Q, k: K, metric: 'angular', rawNorms: false, seed: 11 });
  test = a.test;
  corpus = { dims: DIMS, train: a.train, labels: Array.from({ length: ROWS }, (_, r) => `item-${(r * 7919) % 100_003}`), categories: Array.from({ length: ROWS }, (_, r) => categoryOf(r)) };
});

/** Exact top-k by cosine within each category, in float64: [query][category index] → ids. */
function bruteForce(names: readonly string[], categories: readonly string[]): number[][][] {
  const norm = (m: Float32Array, r: number) => Math.sqrt(Array.from(m.subarray(r * DIMS, (r + 1) * DIMS)).reduce((s, x) => s + x * x, 0));
  return Array.from({ length: Q }, (_, q) => {
    const scored = Array.from({ length: ROWS }, (_, r) => {
      let dot = 0;
      for (let d = 0; d < DIMS; d++) dot += test[q * DIMS + d]! * corpus.train[r * DIMS + d]!;
      return { id: r + 1, s: dot / (norm(test, q) * norm(corpus.train, r)), c: categories[r]! };
    }).sort((x, y) => y.s - x.s || x.id - y.id);
    return names.map((n) => scored.filter((x) => x.c === n).slice(0, K).map((x) => x.id));
  });
}

async function runFile(dataset: Record<string, unknown>, categories: readonly string[]): Promise<void> {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'pb-own-meta-pglite-')), 'pglite');
  const p = await tmpProfile({
    dataset_size: undefined, vector_dims: undefined, dataset, k: K, query_vector_pool: Q, verify_queries: Q, iterations: 3, warmup: 1,
    hnsw: { m: 16, ef_construction: 64, ef_search: 1000, iterative_scan: 'strict_order' },
    targets: ['pglite'], target_options: { pglite: { data_dir: dataDir } },
  });
  let log = '';
  for (const stage of [provision, validate, seed, warmup, measure]) {
    const { result, stderr } = await captureOutput(() => stage(['--config', p.config]));
    log += stderr;
    expect(result, stderr).toBe(0);
  }
  expect(log).toMatch(/pglite: fingerprint ok \(300 rows/);
  const names = [...new Set(categories)].sort();
  expect(log).toContain(`labels from \`label\`, ${names.length} categories from \`category\``);
  const db = await openStore(p.store);
  try {
    const ds = (await db.get<{ generator: string; metadata_hash: string }>('SELECT generator, metadata_hash FROM datasets'))!;
    expect(ds.generator).toMatch(/ label=label category=category$/);
    // The fingerprint covers the file's metadata: it is not the generated metadata's.
    const generated = combineChunks(chunkRanges(ROWS).map(([a, b]) => md5Hex(metadataChunkText(a, b))));
    expect(ds.metadata_hash).not.toBe(generated);
    const gt = JSON.parse((await db.get<{ truth_json: string }>('SELECT truth_json FROM ground_truth'))!.truth_json) as GroundTruth;
    expect(gt.categories).toEqual(names);
    expect(gt.byCategory).toEqual(bruteForce(names, categories));
    const run = (await db.get<{ run_id: string; config_json: string }>("SELECT run_id, config_json FROM runs WHERE kind = 'measure'"))!;
    expect(JSON.parse(run.config_json).dataset_file).toMatchObject({ label_column: 'label', category_column: 'category', categories: names });
    const v = await db.all<{ query_id: string; n: number; recall: number | null; min_rows: number; errors: number }>(
      "SELECT query_id, count(*) AS n, avg(recall) AS recall, min(row_count) AS min_rows, count(error) AS errors FROM verifications WHERE run_id = ? AND target = 'pglite' AND query_id IN ('vector_filter', 'join') GROUP BY query_id ORDER BY query_id",
      [run.run_id],
    );
    // join by a label of the file finds its row; vector_filter finds the exact neighbours within the file's category.
    expect(v).toEqual([
      { query_id: 'join', n: Q, recall: null, min_rows: 1, errors: 0 },
      { query_id: 'vector_filter', n: Q, recall: 1, min_rows: K, errors: 0 },
    ]);
    const measured = await db.get<{ n: number; bad: number }>("SELECT count(*) AS n, sum(ok = 0) AS bad FROM samples WHERE run_id = ? AND query_id = 'vector_filter' AND phase = 'measure'", [run.run_id]);
    expect(measured).toEqual({ n: 3, bad: 0 });
  } finally {
    await db.close();
  }
}

describe('metadata from the columns of a file, on PGlite', () => {
  it('parquet with string labels and categories', async () => {
    writeMetadataParquet(join(dir, 'train.parquet'), corpus);
    writeVectorsParquet(join(dir, 'test.parquet'), test, DIMS);
    await runFile({ format: 'parquet', path: join(dir, 'train.parquet'), test_path: join(dir, 'test.parquet') }, corpus.categories as string[]);
  });

  it('csv with integer categories', async () => {
    const ints = corpus.categories.map((c) => ({ alpha: 3, beta: 14, gamma: 15, delta: 92 })[c as string]!);
    await writeMetadataCsv(join(dir, 'train.csv'), { ...corpus, categories: ints });
    await writeVectorsCsv(join(dir, 'test.csv'), test, DIMS);
    await runFile({ format: 'csv', path: join(dir, 'train.csv'), test_path: join(dir, 'test.csv') }, ints.map(String));
  });
});
