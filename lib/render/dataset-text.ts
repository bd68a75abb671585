import type { ResolvedConfig } from '../config/load.js';

/**
 * How reports name a run's dataset. Runs on the generator (every run before file datasets, whose
 * stored config has no `dataset_file`) render exactly as before.
 */
export function datasetOriginText(c: ResolvedConfig): string {
  const f = c.dataset_file;
  return f ? `from ${f.format} file ${f.path} (sha256 ${f.sha256[0]!.slice(0, 12)}…, ${f.test_rows ? `${f.test_rows.toLocaleString('en-US')} test vectors` : `last ${f.holdout} rows held out as queries`})` : `seed ${c.seed}`;
}

/** What the seed fingerprint was compared with. */
export function fingerprintSourceText(c: ResolvedConfig): string {
  return c.dataset_file ? 'the file' : 'the generator';
}

/** Added to the verification heading when a file's own neighbour lists score a query's recall. */
export function recallReferenceText(c: ResolvedConfig): string {
  const f = c.dataset_file;
  if (!f || !f.neighbors_k || !f.test_rows) return '';
  const query = { angular: 'vector_cosine', euclidean: 'vector_l2', dot: 'vector_inner_product' }[f.neighbors_metric ?? 'angular'];
  return query ? `; ${query}: against the file's own neighbour lists (${f.neighbors_metric})` : '';
}
