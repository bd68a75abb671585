import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../lib/config/load.js';
import { datasetIdOf, datasetMetadataOf } from '../../lib/pipeline/dataset.js';
import { workloadShape } from '../../lib/pipeline/session-setup.js';
import { GENERATED_METADATA } from '../../lib/workload/dataset-metadata.js';
import { metadataFor } from '../../lib/workload/generator.js';
import { paramSequence } from '../../lib/workload/params.js';
import { writeMetadataCsv, writeMetadataParquet, type MetadataCorpus } from '../helpers/metadata-files.js';
import { vecsBytes } from '../helpers/vector-files.js';

/**
 * Metadata from a file's columns (docs/own-data.md): which columns are used, what the rows, the
 * parameter streams and the dataset id get from them, and every bad column as one message naming
 * the file and the column.
 */
let dir: string;
const ROWS = 40;
const corpus = (over: Partial<MetadataCorpus> = {}): MetadataCorpus => ({
  dims: 4,
  train: Float32Array.from({ length: ROWS * 4 }, (_, i) => Math.sin(i + 1)),
  labels: Array.from({ length: ROWS }, (_, r) => `doc-${(r * 37) % 101}`),
  categories: Array.from({ length: ROWS }, (_, r) => ['news', 'blog', 'wiki'][(r % 7) % 3]!),
  ...over,
});
const profile = async (dataset: Record<string, unknown>) => {
  const p = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(p, stringify({ targets: ['pglite'], scale: 'small', query_vector_pool: 3, k: 2, dataset }));
  return p;
};
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pb-meta-cols-'));
  writeMetadataParquet(file('good.parquet'), corpus());
  await writeMetadataCsv(file('ints.csv'), corpus({ labels: Array.from({ length: ROWS }, (_, r) => 1000 + r), categories: Array.from({ length: ROWS }, (_, r) => [7, 42, 100][r % 3]!) }));
});

describe('metadata from file columns', () => {
  it('parquet: the columns label and category are used by default; rows, categories (sorted) and the parameter streams come from them', async () => {
    const c = await loadConfig(await profile({ format: 'parquet', path: file('good.parquet') }));
    expect(c.dataset_file).toMatchObject({ label_column: 'label', category_column: 'category', categories: ['blog', 'news', 'wiki'] });
    const m = datasetMetadataOf(c);
    const want = corpus();
    for (const id of [1, 2, 17, ROWS - 3]) // no test set: the last 3 rows are held out as queries
      expect(m.row(id)).toEqual({ ...metadataFor(id), label: want.labels[id - 1], category: want.categories[id - 1] });
    expect([...m.rowCategories!.slice(0, 4)]).toEqual([1, 0, 2, 1]); // news, blog, wiki, news
    const shape = workloadShape(c);
    const filters = paramSequence(shape, 'measure', 'vector_filter', 60).map((p) => p[1]);
    expect(new Set(filters)).toEqual(new Set(['blog', 'news', 'wiki']));
    // Seeded: the same sequence on every path and every load.
    expect(paramSequence(workloadShape(await loadConfig(await profile({ format: 'parquet', path: file('good.parquet') }))), 'measure', 'vector_filter', 60).map((p) => p[1])).toEqual(filters);
    const labels = paramSequence(shape, 'measure', 'join', 30).map((p) => p[0]);
    for (const l of labels) expect(want.labels).toContain(l);
    // Generated metadata when asked for, even though the columns exist; then the dataset is another.
    const off = await loadConfig(await profile({ format: 'parquet', path: file('good.parquet'), label_column: false, category_column: false }));
    expect(datasetMetadataOf(off)).toBe(GENERATED_METADATA);
    expect(off.dataset_file).toMatchObject({ label_column: null, category_column: null, categories: null });
    expect(datasetIdOf(off)).not.toBe(datasetIdOf(c));
    expect(paramSequence(workloadShape(off), 'measure', 'vector_filter', 5).map((p) => p[1])).toEqual(paramSequence({ ...shape, metadata: undefined }, 'measure', 'vector_filter', 5).map((p) => p[1]));
  });

  it('csv: integer labels and categories become their decimal text; a column may sit on either side of the vector', async () => {
    const c = await loadConfig(await profile({ format: 'csv', path: file('ints.csv') }));
    expect(c.dataset_file).toMatchObject({ label_column: 'label', category_column: 'category', categories: ['100', '42', '7'] });
    expect(datasetMetadataOf(c).row(2)).toMatchObject({ label: '1001', category: '42' });
    // Only the category column, named explicitly; labels generated.
    const cat = await loadConfig(await profile({ format: 'csv', path: file('ints.csv'), label_column: false, category_column: 'category' }));
    expect(datasetMetadataOf(cat).row(3)).toMatchObject({ label: 'vector_3', category: '100' });
  });

  it('bad columns: one message naming the file, the column and the row', async () => {
    writeMetadataParquet(file('float.parquet'), corpus({ categories: Array.from({ length: ROWS }, (_, r) => r / 2) }), { label: 'STRING', category: 'DOUBLE' });
    await expect(loadConfig(await profile({ format: 'parquet', path: file('float.parquet') }))).rejects.toThrow(
      new RegExp(`dataset: ${file('float.parquet').replace(/[.]/g, '\\.')}: column \`category\` \\(dataset\\.category_column\\), row 1 holds 0\\.5 \\(a fractional number\\); values must be strings or integers`),
    );
    await writeMetadataCsv(file('null.csv'), corpus({ labels: corpus().labels.map((l, r) => (r === 5 ? null : l)) }));
    await expect(loadConfig(await profile({ format: 'csv', path: file('null.csv') }))).rejects.toThrow(/null\.csv: column `label` \(dataset\.label_column\), row 5 is empty; every row needs a value \(fill it, or set dataset\.label_column: false/);
    const many = { ...corpus(), train: Float32Array.from({ length: 120 * 4 }, (_, i) => Math.cos(i)), labels: Array.from({ length: 120 }, (_, r) => `l${r}`), categories: Array.from({ length: 120 }, (_, r) => `c${r % 101}`) };
    writeMetadataParquet(file('many.parquet'), many);
    await expect(loadConfig(await profile({ format: 'parquet', path: file('many.parquet') }))).rejects.toThrow(/many\.parquet: column `category` \(dataset\.category_column\) has 101 distinct values in the 117 rows loaded; at most 100 categories are supported/);
    await expect(loadConfig(await profile({ format: 'parquet', path: file('good.parquet'), category_column: 'kind' }))).rejects.toThrow(/good\.parquet: no column `kind` for dataset\.category_column \(its columns besides the vector: id, label, category\)/);
    await writeFile(file('base.fvecs'), vecsBytes(corpus().train, 4));
    await expect(loadConfig(await profile({ format: 'fvecs', path: file('base.fvecs'), label_column: 'label' }))).rejects.toThrow(/base\.fvecs: no column `label` for dataset\.label_column \(a fvecs file has no named columns\)/);
    await writeMetadataCsv(file('written.csv'), corpus({ labels: corpus().labels.map((l, r) => (r === 3 ? 'written-7' : l)) }));
    await expect(loadConfig(await profile({ format: 'csv', path: file('written.csv') }))).rejects.toThrow(/row 3: label "written-7" starts with "written-", which marks labels written by update_metadata/);
    await writeMetadataCsv(file('long.csv'), corpus({ categories: corpus().categories.map((l, r) => (r === 2 ? 'x'.repeat(65) : l)) }));
    await expect(loadConfig(await profile({ format: 'csv', path: file('long.csv') }))).rejects.toThrow(/long\.csv: column `category` \(dataset\.category_column\), row 2 has 65 characters; at most 64/);
  });

  it('hdf5: 1-D root datasets beside train (strings, integers) are columns', async () => {
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const f = new h5.File(file('meta.hdf5'), 'w');
    const c = corpus();
    f.create_dataset({ name: 'train', data: c.train, shape: [ROWS, 4], dtype: '<f4' });
    f.create_dataset({ name: 'test', data: c.train.slice(0, 12), shape: [3, 4], dtype: '<f4' });
    f.create_dataset({ name: 'label', data: c.labels as string[] });
    f.create_dataset({ name: 'category', data: Int32Array.from({ length: ROWS }, (_, r) => r % 4), dtype: '<i4' });
    f.close();
    const cfg = await loadConfig(await profile({ format: 'hdf5', path: file('meta.hdf5') }));
    expect(cfg.dataset_file).toMatchObject({ label_column: 'label', category_column: 'category', categories: ['0', '1', '2', '3'] });
    expect(datasetMetadataOf(cfg).row(ROWS)).toMatchObject({ label: c.labels[ROWS - 1], category: String((ROWS - 1) % 4) });
  });

  it('files without such columns keep generated metadata and their dataset id', async () => {
    await writeFile(file('plain.fvecs'), vecsBytes(corpus().train, 4));
    const c = await loadConfig(await profile({ format: 'fvecs', path: file('plain.fvecs') }));
    expect(datasetMetadataOf(c)).toBe(GENERATED_METADATA);
    expect(c.dataset_file).toMatchObject({ label_column: null, category_column: null });
  });
});
