import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';

const base = { targets: ['pglite'], scale: 'small', dataset_size: 1000 };

function problems(raw: Record<string, unknown>, overrides: Record<string, unknown> = {}): string {
  try {
    resolveConfig({ ...base, ...raw }, overrides, 'test.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '';
}

describe('config: ef_search sweep', () => {
  it('is off by default, with 100 requests per point', () => {
    const c = resolveConfig(base, {}, 'test.yaml');
    expect(c.ef_search).toEqual([]);
    expect(c.ef_search_requests).toBe(100);
  });

  it('is a list separate from hnsw.ef_search (which --ef-search sets)', () => {
    const c = resolveConfig({ ...base, ef_search: [10, 320] }, { 'hnsw.ef_search': 80 }, 'test.yaml');
    expect(c.ef_search).toEqual([10, 320]);
    expect(c.hnsw.ef_search).toBe(80);
  });

  it('names the field and the bad value: 0, above 1000, not a list, a zero request count', () => {
    expect(problems({ ef_search: [10, 0] })).toMatch(/ef_search\.1/);
    expect(problems({ ef_search: [1001] })).toMatch(/ef_search\.0/);
    expect(problems({ ef_search: 40 })).toMatch(/ef_search/);
    expect(problems({ ef_search: [10], ef_search_requests: 0 })).toMatch(/ef_search_requests/);
  });
});
