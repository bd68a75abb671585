import type { LoadedTarget } from './targets.js';

/**
 * Which target loads each database of a run. Targets sharing a databaseKey (pglite and
 * pglite-wire; iris-native and iris-pgwire on one IRIS) hold one database: seed drops, loads,
 * indexes and marks it through one of them — the first with capability `loader: 'preferred'`,
 * else the first in `targets` — and reads the fingerprint back through every one. The choice
 * follows the capability, so listing the gateway first in a profile does not make it the loader.
 */
export interface LoaderChoice<T extends LoadedTarget> {
  key: string;
  loader: T;
  /** The other targets on the same database (they only read it back). */
  readers: T[];
  /** Why this one: 'preferred loader' or 'first in targets'. */
  reason: string;
}

export function chooseLoaders<T extends LoadedTarget>(targets: readonly T[]): LoaderChoice<T>[] {
  const byKey = new Map<string, T[]>();
  for (const t of targets) {
    const key = t.module.databaseKey(t.ctx);
    byKey.set(key, [...(byKey.get(key) ?? []), t]);
  }
  return [...byKey].map(([key, group]) => {
    const preferred = group.find((t) => t.module.capabilities.loader === 'preferred');
    const loader = preferred ?? group[0]!;
    return { key, loader, readers: group.filter((t) => t !== loader), reason: preferred ? 'preferred loader' : 'first in targets' };
  });
}
