import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * A throwaway profile whose store, engine data and reports live in a temp directory, so
 * integration tests never touch data/ or reports/ of the checkout.
 */
export interface TmpProfile {
  dir: string;
  config: string;
  store: string;
  reports: string;
  dataDir: string;
}

export async function tmpProfile(overrides: Record<string, unknown> = {}, wire: Record<string, unknown> = {}): Promise<TmpProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-test-'));
  const dataDir = join(dir, 'pglite');
  const profile = {
    profile: 'test',
    scale: 'small',
    vector_dims: 16,
    dataset_size: 300,
    iterations: 12,
    warmup: 2,
    // Fixed count, as before warmup to steady state: its convergence is tested in test/unit/steady-warmup.test.ts,
    // and a 300-row table's sub-millisecond latencies would keep the pipeline tests warming up to the cap.
    warmup_max_s: 0,
    seed: 7,
    k: 5,
    query_vector_pool: 10,
    hnsw: { m: 8, ef_construction: 32, ef_search: 40 },
    targets: ['pglite', 'pglite-wire'],
    target_options: { pglite: { data_dir: dataDir }, 'pglite-wire': { data_dir: dataDir, host: '127.0.0.1', port: 0, ...wire } },
    store: join(dir, 'bench.sqlite'),
    reports_dir: join(dir, 'reports'),
    ...overrides,
  };
  const config = join(dir, 'profile.yaml');
  await writeFile(config, stringify(profile));
  return { dir, config, store: profile.store, reports: profile.reports_dir, dataDir };
}
