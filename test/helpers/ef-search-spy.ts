import type { TargetModule } from '../../lib/targets/interface.js';
import { loadTarget, registerTarget, targetOptionsSchema } from '../../lib/targets/registry.js';

/**
 * A test-only target: the real `base` target (same driver, same database) under another id, whose
 * sessions record every value set through the dialect's set_ef_search and, when they close, the
 * hnsw.ef_search actually in force (pgvector dialects only). `efSearch` overrides the capability,
 * e.g. 'fixed' to stand in for an IRIS target on an engine that runs here.
 */
export interface EfSearchSpy {
  sets: string[];
  atClose: string[];
}

export function registerEfSearchSpy(id: string, base: string, efSearch?: 'session' | 'fixed'): EfSearchSpy {
  const log: EfSearchSpy = { sets: [], atClose: [] };
  registerTarget(id, {
    optionsSchema: targetOptionsSchema(base)!,
    load: async () => {
      const b = await loadTarget(base);
      return {
        ...b,
        id,
        capabilities: { ...b.capabilities, ...(efSearch ? { efSearch } : {}) },
        async open(ctx) {
          const s = await b.open(ctx);
          return {
            ...s,
            query: (sql, params) => {
              if (sql === b.dialect.set_ef_search) log.sets.push(String(params?.[0]));
              return s.query(sql, params);
            },
            async close() {
              log.atClose.push(String((await s.query("SELECT current_setting('hnsw.ef_search')")).rows[0]?.[0]));
              await s.close();
            },
          };
        },
      } satisfies TargetModule;
    },
  }, { replace: true });
  return log;
}
