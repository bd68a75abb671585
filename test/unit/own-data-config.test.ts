import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../lib/config/load.js';
import { parseStageFlags } from '../../lib/config/cli-flags.js';
import { configSchema, datasetFileSchema } from '../../lib/config/schema.js';
import { datasetIdOf } from '../../lib/pipeline/dataset.js';
import { fileTruthProblem } from '../../lib/pipeline/ground-truth.js';
import { vecsBytes } from '../helpers/vector-files.js';

/** The `dataset` key: the file's shape replaces dataset_size / vector_dims; every problem is one ConfigError naming the file. */

/** Which keys of the `dataset` mapping (and the key itself) have a zod .describe() text. */
function datasetSchemaKeysDescribed(): { missing: string[]; described: string[] } {
  const missing: string[] = [];
  const described: string[] = [];
  for (const [k, v] of Object.entries(datasetFileSchema.shape)) (v.description ? described : missing).push(k);
  if (!configSchema.shape.dataset.description) missing.push('dataset');
  return { missing, described };
}

let dir: string;
let fvecs: string;
const profile = async (body: Record<string, unknown>) => {
  const p = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(p, stringify({ targets: ['pglite'], scale: 'small', query_vector_pool: 3, k: 2, ...body }));
  return p;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pb-own-config-'));
  fvecs = join(dir, 'base.fvecs');
  await writeFile(fvecs, vecsBytes(Float32Array.from({ length: 20 * 4 }, (_, i) => i / 7), 4));
});

describe('dataset from a file in the configuration', () => {
  it('takes rows and dims from the file, holds out the last query_vector_pool rows without a test set, and records the hash', async () => {
    const c = await loadConfig(await profile({ dataset: { format: 'fvecs', path: fvecs } }));
    expect([c.dataset_size, c.vector_dims]).toEqual([17, 4]);
    expect(c.dataset_file).toMatchObject({ format: 'fvecs', path: fvecs, rows_in_file: 20, holdout: 3, test_rows: 0, neighbors_k: 0, neighbors_metric: null });
    expect(c.dataset_file!.sha256[0]).toMatch(/^[0-9a-f]{64}$/);
    const limited = await loadConfig(await profile({ dataset: { format: 'fvecs', path: fvecs, limit: 10 } }));
    expect(limited.dataset_size).toBe(10);
    expect(datasetIdOf(limited)).not.toBe(datasetIdOf(c));
  });

  it('one error for every problem: dataset_size and vector_dims given, production scale, a missing file', async () => {
    await expect(loadConfig(await profile({ dataset: { format: 'fvecs', path: fvecs }, dataset_size: 10, vector_dims: 4 }))).rejects.toThrow(
      /dataset_size: not taken with a file dataset \(the file gives it\); remove it, or set dataset.limit[\s\S]*vector_dims: not taken with a file dataset/,
    );
    await expect(loadConfig(await profile({ dataset: { format: 'fvecs', path: fvecs }, scale: 'production' }))).rejects.toThrow(/gives 17 rows, below production scale \(100,000\); set `scale: small`/);
    await expect(loadConfig(await profile({ dataset: { format: 'npy', path: join(dir, 'none.npy') } }))).rejects.toThrow(/dataset: .*none\.npy: ENOENT/);
    await expect(loadConfig(await profile({ dataset: { format: 'xls', path: fvecs } }))).rejects.toThrow(/dataset\.format/);
  });

  it('--dataset-path sets dataset.path (make … DATASET=file)', () => {
    expect(parseStageFlags(['--dataset-path', 'x.hdf5']).overrides).toEqual({ 'dataset.path': 'x.hdf5' });
    expect(() => parseStageFlags(['--dataset-path', ' '])).toThrow(/--dataset-path: expected a file/);
  });

  it('every key of `dataset` carries a description (the configuration reference is generated from them)', () => {
    expect(datasetSchemaKeysDescribed()).toEqual({ missing: [], described: ['format', 'path', 'test_path', 'neighbors_path', 'neighbors_metric', 'vector_column', 'limit', 'label_column', 'category_column'] });
  });

  it('a file whose neighbour lists disagree with the exact ones on more than 1% of the lists is a dataset problem', () => {
    const gt = (disagreeing: number) => ({ k: 5, all: [], byCategory: [], file: { query: 'vector_cosine' as const, metric: 'angular', lists: [], disagreeing, compared: 100 } });
    expect(fileTruthProblem(gt(1))).toBeUndefined();
    expect(fileTruthProblem(gt(2))).toMatch(/^dataset problem: the file's own neighbour lists \(angular\) differ from the exact top-5 on 2 of 100 lists \(2\.0%, above 1%\)/);
  });
});
