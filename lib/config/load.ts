import { readFile, stat } from 'node:fs/promises';
import { isMap, isScalar, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { targetOptionsSchema, knownTargetIds } from '../targets/registry.js';
import { configSchema, crossFieldProblems, type Config } from './schema.js';
import { MAX_PROBLEMS, MAX_QUOTED_CHARS, capProblems, quoteValue } from './quote.js';
import { redact } from './redact.js';
import { resolveInstances } from './target-instances.js';
import { resolveDatasetFile, type DatasetFileFacts } from './dataset-file.js';
import { firstInvalidUtf8 } from './utf8.js';

/** A key as a message names it: bounded like a value (a key can be as long as the file). */
const quoteKey = (k: string) => (k.length <= MAX_QUOTED_CHARS ? k : `${k.slice(0, MAX_QUOTED_CHARS)}… (${k.length.toLocaleString('en-US')} characters)`);
/** A parser's message, which quotes the offending line: redacted and bounded. */
const quoteMessage = (m: string) => {
  const r = redact(m);
  return r.length <= 4 * MAX_QUOTED_CHARS ? r : `${r.slice(0, 4 * MAX_QUOTED_CHARS)}… (${r.length.toLocaleString('en-US')} characters)`;
};

/** Config plus the parsed options of each selected target. */
export interface ResolvedConfig extends Config {
  /** Names of the instances to measure, in order (a plain type entry is named after its type). */
  targets: string[];
  /** Instance name → target type (lib/config/target-instances.ts); every name of `targets` has one. */
  target_types: Record<string, string>;
  /** Options of each selected instance, by name, parsed by its type's schema (defaults filled). */
  target_options: Record<string, Record<string, unknown>>;
  /** Path of the YAML profile it came from. */
  source: string;
  /** A file dataset's shape and hashes (config key `dataset`), filled by loadConfig; absent for the generator. */
  dataset_file?: DatasetFileFacts;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known key within 2 edits (or a case/separator variant), if any. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
  const scored = known.map((k) => ({ k, d: norm(k) === norm(key) ? 0 : distance(key.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d);
  return scored[0] && scored[0].d <= 2 ? scored[0].k : undefined;
}

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = configSchema;
  for (const k of path) {
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    if (path[0] === 'target_options' && path.length >= 2 && k === path[1]) {
      schema = targetOptionsSchema(String(k));
      continue;
    }
    schema = shape?.[String(k)];
    // unwrap defaults/optionals
    while (schema && (schema as { def?: { innerType?: unknown } }).def?.innerType) schema = (schema as { def: { innerType: unknown } }).def.innerType;
  }
  return Object.keys((schema as { shape?: Record<string, unknown> } | undefined)?.shape ?? {});
}

/** `optionKeys`: the known keys of a target's options, for an issue inside them (the path alone does not say the type). */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown, optionKeys?: string[]): string {
  const path = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    // The known keys once per mapping, not once per unknown key: 100,000 unknown keys used to print
    // the whole list 100,000 times (49 MB). Each key is quoted bounded; the list is capped.
    const known = optionKeys && issue.path.length === 2 ? optionKeys : knownKeysAt(issue.path);
    const prefix = issue.path.length ? `${path}.` : '';
    const lines = issue.keys.slice(0, MAX_PROBLEMS).map((k) => {
      const hint = didYouMean(k, known);
      return `${prefix}${quoteKey(k)}: unknown key${hint ? ` — did you mean "${hint}"?` : ''}`;
    });
    if (issue.keys.length > MAX_PROBLEMS) lines.push(`… and ${(issue.keys.length - MAX_PROBLEMS).toLocaleString('en-US')} more unknown keys in ${path}`);
    if (known.length) lines.push(`known keys in ${path}: ${known.join(', ')}`);
    return lines.join('\n  - ');
  }
  let value: unknown = raw;
  for (const k of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  const got = value === undefined ? ' (missing)' : ` (got ${quoteValue(value, issue.path.at(-1))})`;
  return `${path}: ${issue.message}${got}`;
}

/**
 * Validate a raw profile object with overrides applied. Every problem is collected and thrown
 * as one ConfigError (exit code 2); nothing is written by the caller before this returns.
 */
export function resolveConfig(raw: unknown, overrides: Record<string, unknown>, source: string): ResolvedConfig {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([`the profile must be a YAML mapping, got ${quoteValue(raw)}`], source);
  }
  const merged = structuredClone(raw) as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) setPath(merged, k, v);

  const problems: string[] = [];
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => describeIssue(i, merged)));
  problems.push(...crossFieldProblems(merged));

  const targetOptions: Record<string, Record<string, unknown>> = {};
  const targetTypes: Record<string, string> = {};
  const requested = Array.isArray(merged.targets) ? (merged.targets as unknown[]) : [];
  const defined = isMapping(raw) && Array.isArray(raw.targets) ? (raw.targets as unknown[]) : [];
  const rawOptions = (isMapping(merged.target_options) ? merged.target_options : {}) as Record<string, unknown>;
  for (const t of requested) {
    if (typeof t === 'string' && !targetOptionsSchema(t) && !defined.some((d) => isMapping(d) && d.name === t)) {
      problems.push(`targets: unknown target "${quoteKey(t)}"; known targets: ${knownTargetIds().join(', ')}${namesIn(defined)}`);
    }
  }
  const instances = resolveInstances(requested, defined, rawOptions, knownTargetIds());
  problems.push(...instances.problems);
  for (const spec of instances.specs) {
    const schema = targetOptionsSchema(spec.type)!;
    const r = schema.safeParse(spec.rawOptions);
    targetTypes[spec.name] = spec.type;
    if (r.success) targetOptions[spec.name] = r.data as Record<string, unknown>;
    else {
      const [root, name] = spec.optionsPath.split(/\.(.*)/s) as [string, string];
      const keys = Object.keys((schema as { shape?: Record<string, unknown> }).shape ?? {});
      const label = spec.name === spec.type ? '' : ` (instance "${spec.name}", type ${spec.type})`;
      problems.push(
        ...r.error.issues.map(
          (i) => describeIssue({ ...i, path: [root, name, ...i.path] } as z.core.$ZodIssue, { [root]: { [name]: spec.rawOptions } }, keys) + (i.code === 'unrecognized_keys' ? '' : label),
        ),
      );
    }
  }
  const instanceNames = new Set(defined.filter(isMapping).map((d) => d.name));
  for (const k of Object.keys(rawOptions)) {
    if (!targetOptionsSchema(k) && !instanceNames.has(k)) {
      problems.push(`target_options.${quoteKey(k)}: unknown target; known targets: ${knownTargetIds().join(', ')}${namesIn(defined)}`);
    }
  }
  if (problems.length || !parsed.success) throw new ConfigError(capProblems(problems), source);
  return { ...parsed.data, targets: instances.specs.map((s) => s.name), target_types: targetTypes, target_options: targetOptions, source };
}

/** ", instances defined in the profile: a, b" (empty when there are none), for unknown-target messages. */
function namesIn(defined: readonly unknown[]): string {
  const names = defined.filter(isMapping).map((d) => d.name).filter((n): n is string => typeof n === 'string');
  return names.length ? `; instances defined in the profile: ${names.map(quoteKey).join(', ')}` : '';
}

/** A profile or overlay above this size is refused before it is read: real ones are a few KB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

async function readYaml(file: string, what: string, flag: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError([`${what} "${file}" is ${size.toLocaleString('en-US')} bytes; files above ${MAX_CONFIG_BYTES.toLocaleString('en-US')} bytes (1 MiB) are refused before parsing — a profile is a few KB`], file);
    }
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`cannot read ${what} "${file}": ${(err as Error).message}; pass an existing file with ${flag}`], file);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    throw new ConfigError([`${what} "${file}" is not UTF-8: invalid byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte offset ${bad}; save it as UTF-8`], file);
  }
  try {
    return parseYaml(bytes.toString('utf8'));
  } catch (err) {
    throw new ConfigError([`not valid YAML: ${quoteMessage((err as Error).message)}`], file);
  }
}

/**
 * YAML to plain data. The yaml package's own duplicate-key check compares every key with every
 * earlier one (5,000 keys: 0.6 s; 100,000: minutes), so it is off and duplicates are found here
 * with one Set per mapping. Aliases are capped (a billion-laughs file expands exponentially).
 */
function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) throw doc.errors[0];
  let duplicate: string | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          duplicate = String(key);
          return visit.BREAK;
        }
        seen.add(key);
      }
    },
  });
  if (duplicate !== undefined) throw new Error(`map keys must be unique: "${quoteKey(duplicate)}" appears twice`);
  return doc.toJS({ maxAliasCount: 100 });
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` laid on `base`: mappings merge key by key (recursively), anything else in `over` replaces. */
export function overlayOnto(base: unknown, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isMapping(base) ? structuredClone(base) : {};
  for (const [k, v] of Object.entries(over)) out[k] = isMapping(v) && isMapping(out[k]) ? overlayOnto(out[k], v) : structuredClone(v);
  return out;
}

/**
 * Read a YAML profile and resolve it with CLI overrides. `overlayFile` (--overlay /
 * PB_CONFIG_OVERLAY) is laid over the profile first, so flags still win over both.
 */
export async function loadConfig(file: string, overrides: Record<string, unknown> = {}, overlayFile?: string): Promise<ResolvedConfig> {
  let raw = await readYaml(file, 'profile', '--config');
  if (overlayFile === undefined) return resolveDatasetFile(resolveConfig(raw, overrides, file));
  const over = await readYaml(overlayFile, 'overlay', '--overlay (or PB_CONFIG_OVERLAY)');
  if (!isMapping(over)) throw new ConfigError([`the overlay must be a YAML mapping, got ${quoteValue(over)}`], overlayFile);
  if (raw !== null && raw !== undefined && !isMapping(raw)) throw new ConfigError([`the profile must be a YAML mapping, got ${quoteValue(raw)}`], file);
  raw = overlayOnto(raw ?? {}, over);
  return resolveDatasetFile(resolveConfig(raw, overrides, `${file} + overlay ${overlayFile}`));
}
