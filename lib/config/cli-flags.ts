import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';

/**
 * CLI flags shared by every stage. Flags override the YAML profile; anything not given here
 * comes from the profile or the schema defaults.
 */
export interface StageFlags {
  config: string;
  overrides: Record<string, unknown>;
  /** aggregate/render: which measurement run (default: the newest complete one). */
  run?: string;
  /** seed: reload even when the target already holds this dataset. */
  force: boolean;
  /** aggregate/render: accept an interrupted or failed run; every output then says it is partial. */
  partial: boolean;
  /** any stage: on SIGINT/SIGTERM, leave running the servers pathbench started (default: stop them). */
  keepServers: boolean;
  /** compare: the baseline run and the run compared with it. */
  base?: string;
  head?: string;
  /** compare: fail (exit 1) when a significant p50 slowdown exceeds this many percent; none = never fail. */
  threshold?: number;
  /**
   * A YAML file laid over the profile before validation (mappings merged key by key, the CLI
   * flags still on top): `--overlay FILE`, else the PB_CONFIG_OVERLAY environment variable (the
   * compose `bench` service sets it to config/overlays/compose-network.yaml).
   */
  overlay?: string;
  /** measure: run shard `index` (1-based) of `count` of the seeded schedule (docs/shards.md); absent = the whole schedule. */
  shard?: { index: number; count: number };
  /** measure --shard: the instant (epoch ms, host clock) the shard's timed loop starts. */
  startAtMs?: number;
  /**
   * measure --shard: the instant (epoch ms, host clock) the first open-loop level starts, after
   * every shard's timed loop; each later level's instant follows from it (lib/pipeline/shard-levels.ts).
   * Absent: a shard does not run the open loop.
   */
  levelsAtMs?: number;
  /** merge: the shard stores to merge, in any order. */
  stores?: string[];
  /** seed/measure: print every statement each target would send, then exit; nothing is connected, started or written. */
  dryRun: boolean;
  help: boolean;
}

export const DEFAULT_CONFIG_FILE = 'config/embedded.yaml';

/**
 * Every flag, once: parseArgs' option table, each stage's --help (lib/cli/stage-help.ts) and the
 * flag table of docs/configuration.md (`make docs`) are all derived from this list. A flag that
 * overrides a profile key names it in `key`: its default and description then come from the zod
 * schema, never from a second copy here.
 */
export interface FlagSpec {
  /** The long name, without `--`. */
  flag: string;
  /** Placeholder of the value in help (`N`, `FILE`); absent for a switch. */
  value?: string;
  /** The profile key this flag overrides (dotted path), if any. */
  key?: string;
  /** Help text: for flags without a key, or to say more than the key's first sentence. */
  help?: string;
  /** Default shown in help, for flags without a key. */
  default?: string;
  /** The commands that read the flag; absent = every command. */
  commands?: readonly string[];
  short?: string;
}

const RUN_READERS = ['aggregate', 'render', 'report', 'export'] as const;

export const FLAGS: readonly FlagSpec[] = [
  { flag: 'config', value: 'FILE', help: 'YAML profile', default: DEFAULT_CONFIG_FILE },
  { flag: 'overlay', value: 'FILE', help: 'YAML file laid over the profile before validation (mappings merged key by key; flags still win)', default: '$PB_CONFIG_OVERLAY, if set' },
  { flag: 'vector-dims', value: 'N', key: 'vector_dims' },
  { flag: 'dataset-size', value: 'N', key: 'dataset_size' },
  { flag: 'dataset-path', value: 'FILE', help: 'The file of a file dataset (sets dataset.path; the profile gives dataset.format). See docs/own-data.md.' },
  { flag: 'iterations', value: 'N', key: 'iterations' },
  { flag: 'warmup', value: 'N', key: 'warmup' },
  { flag: 'warmup-max-s', value: 'S', key: 'warmup_max_s' },
  { flag: 'schedule', value: 'interleaved|blocked', key: 'schedule' },
  { flag: 'seed', value: 'N', key: 'seed' },
  { flag: 'targets', value: 'a,b', key: 'targets', help: "Comma-separated subset of the profile's targets, in order." },
  { flag: 'scale', value: 'small|production', key: 'scale' },
  { flag: 'ef-search', value: 'N', key: 'hnsw.ef_search' },
  { flag: 'k', value: 'N', key: 'k' },
  { flag: 'store', value: 'FILE', key: 'store' },
  { flag: 'reports-dir', value: 'DIR', key: 'reports_dir' },
  { flag: 'run', value: 'ID', help: 'The measurement run to read (`make runs` lists them).', default: 'the newest complete run', commands: RUN_READERS },
  { flag: 'base', value: 'ID', help: 'The baseline run.', default: 'the complete run before --head', commands: ['compare'] },
  { flag: 'head', value: 'ID', help: 'The run compared with the baseline.', default: 'the newest complete run', commands: ['compare'] },
  { flag: 'threshold', value: 'PCT', help: 'Exit 1 when a significant p50 slowdown exceeds PCT %.', default: 'never fail', commands: ['compare'] },
  {
    flag: 'dry-run',
    help: 'Print every statement each target would send, with its bind order and sample parameters; connects to nothing, writes nothing.',
    commands: ['seed', 'measure'],
  },
  {
    flag: 'shard',
    value: 'i/N',
    help: 'Run shard i of N of the seeded schedule (every N-th iteration of the timed loop; with --levels-at also every N-th client of each concurrency-sweep level and every N-th arrival of each open-loop level), in this store; needs --start-at. Merge the N stores with `make merge`. See docs/shards.md.',
    default: 'the whole schedule',
    commands: ['measure'],
  },
  {
    flag: 'start-at',
    value: 'MS',
    help: 'With --shard: the instant (Unix epoch, ms, this host\'s clock) the timed loop starts; every shard gets the same value. Refused when more than 5 s in the past.',
    commands: ['measure'],
  },
  {
    flag: 'levels-at',
    value: 'MS',
    help: 'With --shard: the instant (Unix epoch, ms) the first open-loop level starts, after every shard\'s timed loop; every shard gets the same value. Without it a shard skips the open loop.',
    commands: ['measure'],
  },
  { flag: 'stores', value: 'FILES', help: 'The shard stores to merge, separated by spaces or commas (each written by `measure --shard i/N`).', commands: ['merge'] },
  { flag: 'out', value: 'FILE', help: 'The store the merged run is written to (the same as --store; aggregate and render then read it).', commands: ['merge'] },
  { flag: 'force', help: 'Reload even if the target already holds the dataset.', commands: ['seed'] },
  { flag: 'partial', help: 'Accept an interrupted or failed run; every output then says PARTIAL RUN.', commands: RUN_READERS },
  { flag: 'keep-servers', help: 'On SIGINT/SIGTERM, leave running the servers pathbench started (default: stop them).' },
  { flag: 'help', short: 'h', help: 'Print this help and exit.' },
];

const options = Object.fromEntries(
  FLAGS.map((f) => [f.flag, f.value === undefined ? { type: 'boolean', default: false, ...(f.short ? { short: f.short } : {}) } : { type: 'string' }]),
) as Record<string, { type: 'string' } | { type: 'boolean'; default: false; short?: string }>;

/** Integer flags: value must be a plain base-10 integer, quoted back in the error otherwise. */
const intFlags: Record<string, string> = {
  'vector-dims': 'vector_dims',
  'dataset-size': 'dataset_size',
  iterations: 'iterations',
  warmup: 'warmup',
  seed: 'seed',
  k: 'k',
};

export function parseStageFlags(argv: string[], env: NodeJS.ProcessEnv = process.env): StageFlags {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  } catch (err) {
    throw new ConfigError([`${(err as Error).message.replace(/\.$/, '')}. Run with --help for the list of flags.`], 'command line');
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  // The valued flags' strings; the switches are read with on() (parseArgs' option table above).
  const v: Record<string, string | undefined> = {};
  for (const [f, x] of Object.entries(values)) if (typeof x === 'string') v[f] = x;
  const on = (f: string) => values[f] === true;
  const problems: string[] = [];
  const overrides: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(intFlags)) {
    const raw = v[flag];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^-?\d+$/.test(raw.replaceAll('_', ''))) {
      problems.push(`--${flag}: expected an integer, got "${String(raw)}"`);
    } else {
      overrides[key] = Number(raw.replaceAll('_', ''));
    }
  }
  if (v['ef-search'] !== undefined) {
    if (!/^\d+$/.test(v['ef-search'])) problems.push(`--ef-search: expected an integer, got "${v['ef-search']}"`);
    else overrides['hnsw.ef_search'] = Number(v['ef-search']);
  }
  if (v.targets !== undefined) {
    const list = v.targets.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) problems.push(`--targets: expected a comma-separated list, got "${v.targets}"`);
    else overrides.targets = list;
  }
  if (v['dataset-path'] !== undefined) {
    if (v['dataset-path'].trim() === '') problems.push('--dataset-path: expected a file, got ""');
    else overrides['dataset.path'] = v['dataset-path'];
  }
  if (v.scale !== undefined) overrides.scale = v.scale;
  if (v.schedule !== undefined) overrides.schedule = v.schedule;
  if (v['warmup-max-s'] !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(v['warmup-max-s'])) problems.push(`--warmup-max-s: expected seconds ≥ 0 (e.g. 30; 0 = exactly --warmup executions), got "${v['warmup-max-s']}"`);
    else overrides.warmup_max_s = Number(v['warmup-max-s']);
  }
  if (v.store !== undefined) overrides.store = v.store;
  if (v.out !== undefined) {
    if (v.out.trim() === '') problems.push('--out: expected a store file, got ""');
    else if (v.store !== undefined && v.store !== v.out) problems.push(`--out "${v.out}" and --store "${v.store}" differ: give one of them`);
    else overrides.store = v.out;
  }
  let shard: StageFlags['shard'];
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.shard.trim());
    const index = m ? Number(m[1]) : NaN;
    const count = m ? Number(m[2]) : NaN;
    if (!m || !(count >= 1) || !(index >= 1) || index > count) problems.push(`--shard: expected i/N with 1 ≤ i ≤ N (e.g. 1/3), got "${v.shard}"`);
    else shard = { index, count };
  }
  let startAtMs: number | undefined;
  if (v['start-at'] !== undefined) {
    if (!/^\d{10,16}$/.test(v['start-at'].trim())) problems.push(`--start-at: expected a Unix epoch time in milliseconds (e.g. $(( $(date +%s) + 60 ))000), got "${v['start-at']}"`);
    else startAtMs = Number(v['start-at'].trim());
  }
  if ((v.shard === undefined) !== (v['start-at'] === undefined)) problems.push(v.shard === undefined ? '--start-at: only with --shard i/N' : '--shard: needs --start-at <epoch ms>, the same instant for every shard');
  let levelsAtMs: number | undefined;
  if (v['levels-at'] !== undefined) {
    if (!/^\d{10,16}$/.test(v['levels-at'].trim())) problems.push(`--levels-at: expected a Unix epoch time in milliseconds, got "${v['levels-at']}"`);
    else if (v.shard === undefined) problems.push('--levels-at: only with --shard i/N');
    else if (startAtMs !== undefined && Number(v['levels-at'].trim()) <= startAtMs) problems.push(`--levels-at ${v['levels-at'].trim()}: must come after --start-at ${startAtMs} (the open-loop levels run after the timed loop)`);
    else levelsAtMs = Number(v['levels-at'].trim());
  }
  let stores: string[] | undefined;
  if (v.stores !== undefined) {
    stores = v.stores.split(/[\s,]+/).filter(Boolean);
    if (stores.length === 0) problems.push(`--stores: expected one or more store files, got "${v.stores}"`);
  }
  if (v['reports-dir'] !== undefined) overrides.reports_dir = v['reports-dir'];
  let threshold: number | undefined;
  if (v.threshold !== undefined) {
    const t = v.threshold.trim().replace(/%$/, '');
    if (!/^\d+(\.\d+)?$/.test(t)) problems.push(`--threshold: expected a percentage ≥ 0 (e.g. 10 or 2.5), got "${v.threshold}"`);
    else threshold = Number(t);
  }
  for (const f of ['base', 'head'] as const) {
    if (v[f] !== undefined && v[f].trim() === '') problems.push(`--${f}: expected a run id (\`make runs\` lists them), got ""`);
  }
  const overlay = v.overlay ?? (env.PB_CONFIG_OVERLAY || undefined);
  if (overlay !== undefined && overlay.trim() === '') problems.push('--overlay: expected a YAML file, got ""');
  if (problems.length) throw new ConfigError(problems, 'command line');
  return {
    config: v.config ?? DEFAULT_CONFIG_FILE,
    overrides,
    run: v.run,
    base: v.base,
    head: v.head,
    threshold,
    overlay,
    ...(shard ? { shard } : {}),
    ...(startAtMs !== undefined ? { startAtMs } : {}),
    ...(levelsAtMs !== undefined ? { levelsAtMs } : {}),
    ...(stores ? { stores } : {}),
    dryRun: on('dry-run'),
    force: on('force'),
    partial: on('partial'),
    keepServers: on('keep-servers'),
    help: on('help'),
  };
}
