import { z } from 'zod';
import { quoteValue } from './quote.js';

/**
 * Named target instances (issue 16). A `targets` entry is either a target type (`postgres`: the
 * instance is named after its type, as before instances existed) or a mapping naming an instance
 * of a type with its options inline: `{name: pg-bouncer, type: postgres, port: 6432}`. From here
 * on the instance name is the target id everywhere (store, reports, charts, gateway pairs,
 * compare, export); only the registry lookup and the options schema use the type.
 */

/** Letters, digits, `.`, `_`, `-`: names appear in file names, CSV cells and comma-joined lists. */
export const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const instanceName = z
  .string()
  .regex(INSTANCE_NAME, 'expected 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .describe('Name of this instance: its id in the store, reports, charts, gateway_pairs and compare. Unique in `targets`.');

export const instanceEntrySchema = z
  .object({
    name: instanceName,
    type: z.string().min(1).describe('Target type of this instance (postgres, pglite, pglite-wire, iris-pgwire, iris-native); its options schema checks the other keys of this mapping.'),
  })
  // The other keys are the type's options, checked by that type's own schema in resolveInstances.
  .catchall(z.unknown())
  .describe('A named target instance: `name`, `type`, and that type\'s options inline (as under target_options.<type>).');

export const targetEntrySchema = z
  .union([z.string().min(1).describe('A target type; the instance is named after it (its options: target_options.<type>).'), instanceEntrySchema], {
    error: 'expected a target type (e.g. postgres) or a mapping {name, type, …options}',
  })
  .describe('One path to measure: a target type, or a named instance {name, type, …options}.');

/** The instances of a run, in `targets` order: name → type and raw (unparsed) options. */
export interface InstanceSpec {
  name: string;
  type: string;
  /** Raw options as the profile gives them (inline keys of the mapping, or target_options.<name>). */
  rawOptions: unknown;
  /** Where the options came from, for messages: `targets.<name>` or `target_options.<name>`. */
  optionsPath: string;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turn the `targets` list into instance specs, collecting every problem (each naming the
 * instance). `defined` is the profile's own `targets` list before CLI overrides: a name that
 * `--targets` lists refers to the instance the profile defines under that name, if any.
 */
export function resolveInstances(
  entries: readonly unknown[],
  defined: readonly unknown[],
  rawTargetOptions: Record<string, unknown>,
  knownTypes: readonly string[],
): { specs: InstanceSpec[]; problems: string[] } {
  const specs: InstanceSpec[] = [];
  const problems: string[] = [];
  const definitions = new Map<string, Record<string, unknown>>();
  for (const d of defined) if (isMapping(d) && typeof d.name === 'string') definitions.set(d.name, d);
  const seen = new Set<string>();
  entries.forEach((entry) => {
    if (typeof entry === 'string' && definitions.has(entry)) entry = definitions.get(entry);
    if (typeof entry === 'string') {
      if (seen.has(entry)) problems.push(`targets: ${quoteValue(entry)} is listed twice`);
      seen.add(entry);
      if (!knownTypes.includes(entry)) return; // reported by the caller ("unknown target")
      specs.push({ name: entry, type: entry, rawOptions: rawTargetOptions[entry] ?? {}, optionsPath: `target_options.${entry}` });
      return;
    }
    if (!isMapping(entry) || typeof entry.name !== 'string' || !INSTANCE_NAME.test(entry.name)) return; // the schema reports it
    const { name, type, ...inline } = entry;
    const label = `targets: instance "${name}"`;
    if (seen.has(name)) problems.push(`${label} is listed twice; instance names must be unique`);
    seen.add(name);
    if (typeof type !== 'string') return; // the schema reports it
    if (!knownTypes.includes(type)) {
      problems.push(`${label}: unknown type ${quoteValue(type)}; known types: ${knownTypes.join(', ')}`);
      return;
    }
    if (name !== type && knownTypes.includes(name)) {
      problems.push(`${label} (type ${type}) is named like the target type "${name}"; choose another name (an instance named after a type must be of that type)`);
      return;
    }
    const fromTable = rawTargetOptions[name];
    if (fromTable !== undefined && Object.keys(inline).length > 0) {
      problems.push(`${label}: options are given both inline and under target_options.${name}; give them in one place`);
      return;
    }
    specs.push(
      fromTable !== undefined
        ? { name, type, rawOptions: fromTable, optionsPath: `target_options.${name}` }
        : { name, type, rawOptions: inline, optionsPath: `targets.${name}` },
    );
  });
  return { specs, problems };
}

/**
 * The type of a target instance of a resolved config. Configs resolved before instances existed
 * (and hand-built ones in tests) have no `target_types`: there every name is its type.
 */
export function typeOf(config: { target_types?: Readonly<Record<string, string>> }, name: string): string {
  return config.target_types?.[name] ?? name;
}

/**
 * The config as a run stores it: `target_types` only when some instance is not named after its
 * type. A profile of plain types then stores exactly what it did before instances existed, so its
 * reports (which print the stored config) read the same; run_targets holds the types either way.
 */
export function withoutTrivialTypes<C extends { targets: readonly string[]; target_types?: Record<string, string> }>(c: C): C | Omit<C, 'target_types'> {
  if (!c.target_types || c.targets.some((t) => typeOf(c, t) !== t)) return c;
  const { target_types: _, ...rest } = c;
  return rest;
}
