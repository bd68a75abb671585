import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { knownTargetIds, targetOptionsSchema } from '../targets/registry.js';
import { instanceEntrySchema } from '../config/target-instances.js';

/**
 * The JSON Schema of a profile (config/*.yaml), derived from the zod schemas — lib/config/schema.ts
 * for the top-level keys and each registered target's options schema for `target_options.<id>` —
 * with zod's own exporter. Published as config/schema.json (`make docs`) for editors (the YAML
 * language server reads the `# yaml-language-server: $schema=./schema.json` line of each profile)
 * and rendered into docs/configuration.md. Validation at run time stays with zod
 * (lib/config/load.ts): the cross-field rules and URL checks have no JSON Schema form.
 */
export type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  [other: string]: unknown;
};

/** Input shape (what a YAML file may say: defaults make keys optional); checks zod cannot export become "any". */
const exportOptions = { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' } as const;

function exported(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, exportOptions) as JsonSchema;
  return rest;
}

export const SCHEMA_URL = 'https://json-schema.org/draft/2020-12/schema';

export function configJsonSchema(): JsonSchema {
  const root = exported(configSchema);
  const props = root.properties!;
  const ids = knownTargetIds();
  // Targets: a registry id (editors complete them; resolveConfig refuses any other), or a named
  // instance {name, type, …that type's options} — one alternative per type, so an editor checks
  // the inline options against the type named (lib/config/target-instances.ts).
  const name = exported(instanceEntrySchema.shape.name);
  props.targets = {
    ...props.targets,
    items: {
      anyOf: [
        { type: 'string', enum: ids, description: 'A target type; the instance is named after it (its options: target_options.<type>).' },
        ...ids.map((id) => {
          const o = exported(targetOptionsSchema(id)!);
          return {
            type: 'object',
            description: `A named instance of ${id}: name, type and ${id}'s options inline.`,
            required: ['name', 'type'],
            properties: { name, type: { const: id }, ...o.properties },
            additionalProperties: false,
          };
        }),
      ],
    },
  };
  // target_options is a free record in zod (each target validates its own part); here it is
  // spelled out per target type, so an editor checks and completes every target's options. Keys
  // that are not types name instances (target_options.<name>): their type is known only from
  // `targets`, so the schema takes any mapping there.
  props.target_options = {
    ...props.target_options,
    type: 'object',
    properties: Object.fromEntries(ids.map((id) => [id, exported(targetOptionsSchema(id)!)])),
    additionalProperties: { type: 'object' },
  };
  return {
    $schema: SCHEMA_URL,
    title: 'pathbench profile',
    description: 'A pathbench profile (config/*.yaml). Generated from lib/config/schema.ts and lib/targets/*/options.ts by `make docs`; reference: docs/configuration.md.',
    ...root,
  };
}

/** Where a key's zod schema lives, for messages: top-level keys in schema.ts, target options in the target's folder. */
export function sourceOfKey(path: string): string {
  const m = /^target_options\.([^.]+)/.exec(path);
  return m ? `lib/targets/${m[1]}/options.ts` : 'lib/config/schema.ts';
}

/** Every key (dotted path; array items as `[]`) whose schema has no description, in document order. */
export function undescribedKeys(schema: JsonSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const path = prefix + key;
    if (!sub.description) out.push(path);
    out.push(...undescribedKeys(sub, `${path}.`));
    if (sub.items?.properties) out.push(...undescribedKeys(sub.items, `${path}[].`));
  }
  return out;
}

/** The message `make docs` and the tests give for undescribed keys: names each key and where to describe it. */
export function undescribedMessage(keys: readonly string[]): string {
  return (
    `${keys.length} configuration key(s) without a description — docs/configuration.md and config/schema.json are generated from them:\n` +
    keys.map((k) => `  - ${k} (${sourceOfKey(k)}): add .describe('…') to its zod schema`).join('\n') +
    '\nthen run `make docs`.'
  );
}
