import type { JsonSchema } from './config-json-schema.js';

/**
 * A JSON Schema node in words, for docs/configuration.md and --help: its type, default and allowed
 * values. Limits at the JavaScript safe-integer bound are zod's "no limit" and are left out.
 */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function typeText(s: JsonSchema): string {
  if (s.anyOf) return [...new Set(s.anyOf.map(typeText))].join(' or ');
  if (s.enum) return typeof s.enum[0] === 'number' ? 'number' : 'string';
  if (s.type === 'array') return s.items ? `list of ${typeText(s.items)}` : 'list';
  if (s.type === 'object') return 'mapping';
  if (Array.isArray(s.type)) return s.type.join(' or ');
  return s.type ?? 'any';
}

export function defaultText(s: JsonSchema, required: boolean): string {
  if (s.default === undefined) return required ? 'required' : 'unset';
  return JSON.stringify(s.default);
}

/** Allowed values: enum members, numeric range, length and pattern; empty when anything of the type goes. */
export function allowedText(s: JsonSchema): string {
  if (s.anyOf) return [...new Set(s.anyOf.map(allowedText).filter(Boolean))].join('; ');
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(', ');
  const parts: string[] = [];
  const lo = s.minimum !== undefined ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined;
  const hi = s.maximum !== undefined && s.maximum < NO_LIMIT ? `≤ ${s.maximum}` : s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : undefined;
  if (lo || hi) parts.push([lo, hi].filter(Boolean).join(', '));
  if (s.minLength === 1) parts.push('non-empty');
  else if (s.minLength !== undefined) parts.push(`at least ${plural(s.minLength, 'character')}`);
  if (s.pattern) parts.push(`matches \`${s.pattern}\``);
  if (s.type === 'array') {
    if (s.minItems) parts.push(`at least ${plural(s.minItems, 'item')}`);
    if (s.maxItems !== undefined) parts.push(`at most ${plural(s.maxItems, 'item')}`);
    const each = s.items ? allowedText(s.items) : '';
    if (each) parts.push(`each ${each}`);
  }
  return parts.join('; ');
}

/** The first sentence of a description: up to the first ". " that does not end an abbreviation (e.g., i.e., vs.). */
export function firstSentence(description: string): string {
  for (const m of description.matchAll(/[.!?](?=\s|$)/g)) {
    if (/\b(e\.g|i\.e|vs)$/.test(description.slice(0, m.index))) continue;
    return description.slice(0, m.index + 1);
  }
  return description;
}
