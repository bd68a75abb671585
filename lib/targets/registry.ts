import type { ZodType } from 'zod';
import { PathbenchError, ExitCode } from '../errors.js';
import type { TargetEntry, TargetModule } from './interface.js';
import { pgliteOptionsSchema } from './pglite/options.js';
import { pgliteWireOptionsSchema } from './pglite-wire/options.js';
import { postgresOptionsSchema } from './postgres/options.js';
import { irisPgwireOptionsSchema } from './iris-pgwire/options.js';
import { irisNativeOptionsSchema } from './iris-native/options.js';

/**
 * Target id -> options schema + lazy loader. Adding a target = one folder + one line here.
 */
const registry: Record<string, TargetEntry> = {
  pglite: { optionsSchema: pgliteOptionsSchema, load: async () => (await import('./pglite/index.js')).target },
  'pglite-wire': { optionsSchema: pgliteWireOptionsSchema, load: async () => (await import('./pglite-wire/index.js')).target },
  postgres: { optionsSchema: postgresOptionsSchema, load: async () => (await import('./postgres/index.js')).target },
  'iris-pgwire': { optionsSchema: irisPgwireOptionsSchema, load: async () => (await import('./iris-pgwire/index.js')).target },
  // The Native SDK itself loads lazily in open()/provision(): a missing SDK makes the target unavailable (exit 3, `make iris-sdk`).
  'iris-native': { optionsSchema: irisNativeOptionsSchema, load: async () => (await import('./iris-native/index.js')).target },
};

export function knownTargetIds(): string[] {
  return Object.keys(registry);
}

export function targetOptionsSchema(id: string): ZodType | undefined {
  return Object.hasOwn(registry, id) ? registry[id]!.optionsSchema : undefined;
}

/** Load a target module. A driver that is not installed gives "target unavailable: install …". */
export async function loadTarget(id: string): Promise<TargetModule> {
  const entry = Object.hasOwn(registry, id) ? registry[id] : undefined;
  if (!entry) throw new PathbenchError(`unknown target "${id}"; known targets: ${knownTargetIds().join(', ')}`, ExitCode.usage);
  try {
    return await entry.load();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new PathbenchError(
        `target "${id}" unavailable: its driver is not installed (${(err as Error).message.split('\n')[0]}); install it and retry`,
        ExitCode.targetUnavailable,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Add a target at run time (tests use it for deliberately broken variants; out-of-tree targets
 * may too). Refuses to replace a built-in id.
 */
export function registerTarget(id: string, entry: TargetEntry, opts: { replace?: boolean } = {}): void {
  // `replace` exists for stand-ins of targets that cannot run here (IRIS) in layout tests.
  if (Object.hasOwn(registry, id) && !opts.replace) throw new Error(`target "${id}" is already registered`);
  registry[id] = entry;
}
