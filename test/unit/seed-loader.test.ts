import { describe, expect, it } from 'vitest';
import { chooseLoaders } from '../../lib/pipeline/seed-loader.js';
import type { LoadedTarget } from '../../lib/pipeline/targets.js';
import type { Capabilities, TargetModule } from '../../lib/targets/interface.js';
import { irisPgwireModule } from '../../lib/targets/iris-pgwire/index.js';
import { loadTarget } from '../../lib/targets/registry.js';

/** Targets reduced to what the choice reads: id, databaseKey, capabilities.loader. */
function t(id: string, key: string, loader?: Capabilities['loader']): LoadedTarget {
  const capabilities = { concurrentSessions: true, annIndex: true, copy: false, ...(loader ? { loader } : {}) };
  return { id, type: id, ctx: { options: {}, root: '/' }, module: { id, databaseKey: () => key, capabilities } as unknown as TargetModule };
}

describe('seed: which target loads a shared database', () => {
  it('three-way: IRIS loads through iris-native although iris-pgwire comes first; postgres alone', () => {
    const choices = chooseLoaders([t('iris-pgwire', 'iris:db'), t('postgres', 'pg:db'), t('iris-native', 'iris:db', 'preferred')]);
    expect(choices.map((c) => [c.key, c.loader.id, c.readers.map((r) => r.id), c.reason])).toEqual([
      ['iris:db', 'iris-native', ['iris-pgwire'], 'preferred loader'],
      ['pg:db', 'postgres', [], 'first in targets'],
    ]);
  });

  it('without a preferred target, the first in targets loads (pglite, pglite-wire)', () => {
    expect(chooseLoaders([t('pglite-wire', 'd'), t('pglite', 'd')]).map((c) => c.loader.id)).toEqual(['pglite-wire']);
  });

  it('the gateway alone loads its own database', () => {
    expect(chooseLoaders([t('iris-pgwire', 'iris:db')]).map((c) => c.loader.id)).toEqual(['iris-pgwire']);
  });

  it('the registered modules: iris-native is the preferred loader, iris-pgwire is not', async () => {
    expect((await loadTarget('iris-native')).capabilities.loader).toBe('preferred');
    for (const mode of ['iris', 'pgvector'] as const) expect(irisPgwireModule(mode).capabilities.loader).toBeUndefined();
  });
});
