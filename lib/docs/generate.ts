import { configJsonSchema, undescribedKeys, undescribedMessage } from './config-json-schema.js';
import { renderConfigReference } from './config-reference.js';

/** The files `make docs` writes, relative to the project root: each a pure function of the schemas. */
export const GENERATED_FILES = ['docs/configuration.md', 'config/schema.json'] as const;

export class UndescribedKeysError extends Error {}

/**
 * The generated documents. Refuses (UndescribedKeysError, naming every key and its file) when a
 * key has no description: a reference with blank entries would pass for complete.
 */
export function generateDocs(): Record<(typeof GENERATED_FILES)[number], string> {
  const schema = configJsonSchema();
  const missing = undescribedKeys(schema);
  if (missing.length) throw new UndescribedKeysError(undescribedMessage(missing));
  return {
    'docs/configuration.md': renderConfigReference(schema),
    'config/schema.json': `${JSON.stringify(schema, null, 2)}\n`,
  };
}
