import { FLAGS, type FlagSpec } from '../config/cli-flags.js';
import { configJsonSchema, type JsonSchema } from '../docs/config-json-schema.js';
import { defaultText, firstSentence } from '../docs/schema-text.js';

/**
 * `--help` of every command, derived from the flag table (lib/config/cli-flags.ts) and the zod
 * schema — the same sources docs/configuration.md is generated from — plus one line of summary
 * and one example per command, kept here.
 */
export const COMMAND_HELP = {
  provision: { summary: 'Create data directories and start the servers the configured targets need.', example: 'make provision CONFIG=config/local.yaml' },
  validate: { summary: 'Check that every target is reachable and has pgvector; any failure aborts the run (exit 3).', example: 'make validate CONFIG=config/local.yaml' },
  seed: { summary: 'Generate the dataset, bulk-load it, build the HNSW index, read the fingerprint back through each path.', example: 'make seed ARGS="--force"' },
  warmup: { summary: 'Warm every target with its own parameter stream (stored as phase warmup, never measured).', example: 'make warmup ARGS="--warmup 50"' },
  measure: { summary: 'A new measurement run: verification pass, then every query on every target, every sample stored.', example: 'make measure ARGS="--iterations 500 --targets pglite"' },
  aggregate: { summary: 'Recompute percentiles, QPS, confidence intervals and verdicts from the stored samples (offline).', example: 'make aggregate ARGS="--run <run-id>"   (`make runs` lists the ids)' },
  render: { summary: 'Write reports/<run>/ (index.html, results.json, table.txt, charts) and reports/latest (offline).', example: 'make render ARGS="--reports-dir /tmp/reports"' },
  compare: { summary: 'Compare two runs: change of p50/p95/p99/QPS with bootstrap CIs and Mann–Whitney verdicts (offline).', example: 'make compare THRESHOLD=10   (the newest complete run against the one before)' },
  runs: { summary: 'List the runs in the store: id, date, kind, status, profile, targets, scale, samples (offline).', example: 'make runs ARGS="--store data/bench.sqlite"' },
  report: { summary: 'Re-render a past run, aggregating it first if needed (offline).', example: 'make report RUN=<run-id>   (`make runs` lists the ids)' },
  export: { summary: "A run's raw samples and aggregates as CSV/JSON in reports/<run>/export/ (offline).", example: 'make export RUN=<run-id>' },
  merge: {
    summary: 'Merge the shard stores of one run (`measure --shard i/N`) into one store, after checking run id, fingerprints and that shards 1..N are each there once (offline).',
    example: 'make merge STORES="data/shard-1.sqlite data/shard-2.sqlite" OUT=data/merged.sqlite',
  },
  doctor: { summary: 'Check every prerequisite of a profile, one line per check with its fix; exit 0 when the run can start, 3 when not.', example: 'make doctor CONFIG=config/three-way.yaml' },
} as const satisfies Record<string, { summary: string; example: string }>;

export type CommandName = keyof typeof COMMAND_HELP;

export function flagsOf(command: string): FlagSpec[] {
  return FLAGS.filter((f) => f.commands === undefined || f.commands.includes(command));
}

/** The schema node at a dotted key path of the profile schema. */
export function schemaAt(schema: JsonSchema, key: string): { node: JsonSchema; required: boolean } | undefined {
  let node: JsonSchema | undefined = schema;
  let required = false;
  for (const part of key.split('.')) {
    required = node?.required?.includes(part) ?? false;
    node = node?.properties?.[part];
  }
  return node ? { node, required } : undefined;
}

/** One flag's description and default: the schema's for a flag that sets a key, the flag table's otherwise. */
export function flagText(f: FlagSpec, schema: JsonSchema): { text: string; default?: string } {
  const at = f.key ? schemaAt(schema, f.key) : undefined;
  if (f.key && !at) throw new Error(`flag --${f.flag} names profile key "${f.key}", which the schema does not have (lib/config/cli-flags.ts)`);
  const text = f.help ?? (at?.node.description ? firstSentence(at.node.description) : '');
  let dflt = at ? defaultText(at.node, at.required) : f.default;
  if (at && typeof at.node.default === 'string') dflt = at.node.default; // a path or a word reads better unquoted
  return { text: f.key ? `${text} Key \`${f.key}\`.` : text, default: dflt === 'unset' || dflt === 'required' ? undefined : dflt };
}

export function flagUsage(f: FlagSpec): string {
  return `${f.short ? `-${f.short}, ` : ''}--${f.flag}${f.value ? ` ${f.value}` : ''}`;
}

export function commandHelp(command: CommandName): string {
  const schema = configJsonSchema();
  const { summary, example } = COMMAND_HELP[command];
  const script = command === 'doctor' ? 'doctor' : command;
  const lines = [
    `usage: make ${command} [CONFIG=config/x.yaml] [ARGS="--flag value ..."]`,
    `       node build/stages/${script}.js [flags]     (or: node --import tsx stages/${script}.ts [flags])`,
    '',
    summary,
    '',
    'Flags (a profile key set by a flag overrides the YAML profile; defaults are the schema\'s):',
  ];
  for (const f of flagsOf(command)) {
    const { text, default: d } = flagText(f, schema);
    const usage = flagUsage(f);
    lines.push(`  ${usage.padEnd(30)}${usage.length >= 30 ? `\n  ${' '.repeat(30)}` : ''}${text}${d !== undefined ? ` (default ${d})` : ''}`);
  }
  lines.push('', 'Example:', `  ${example}`, '', 'Every profile key, its default and range: docs/configuration.md', '');
  return lines.join('\n');
}
