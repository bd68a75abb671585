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
  /** seed/measure: print every statement each target would send, then exit; nothing is connected, started or written. */
  dryRun: boolean;
  help: boolean;
}

export const DEFAULT_CONFIG_FILE = 'config/embedded.yaml';

const options = {
  config: { type: 'string' },
  'vector-dims': { type: 'string' },
  'dataset-size': { type: 'string' },
  'dataset-path': { type: 'string' },
  iterations: { type: 'string' },
  warmup: { type: 'string' },
  'warmup-max-s': { type: 'string' },
  schedule: { type: 'string' },
  seed: { type: 'string' },
  targets: { type: 'string' },
  scale: { type: 'string' },
  'ef-search': { type: 'string' },
  k: { type: 'string' },
  store: { type: 'string' },
  'reports-dir': { type: 'string' },
  run: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  threshold: { type: 'string' },
  overlay: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  partial: { type: 'boolean', default: false },
  'keep-servers': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const FLAG_HELP = `Flags (override the YAML profile):
  --config FILE         YAML profile (default ${DEFAULT_CONFIG_FILE})
  --overlay FILE        YAML laid over the profile (default: $PB_CONFIG_OVERLAY, if set)
  --vector-dims N       vector dimensions (default 1024)
  --dataset-size N      rows (100,000–1,000,000 unless --scale small)
  --dataset-path FILE   the file of a file dataset (dataset.path; the profile gives dataset.format)
  --iterations N        measured executions per query and target (default 1000)
  --warmup N            minimum warmup executions per query and target (default 100)
  --warmup-max-s S      cap of warmup to steady state, in seconds (0 = exactly --warmup executions)
  --schedule interleaved|blocked
                        order of the timed loop (docs/methodology.md)
  --seed N              seed of every generated value (default 42)
  --targets a,b         subset of the profile's targets
  --scale small|production
  --ef-search N         pgvector hnsw.ef_search while measuring
  --k N                 k of the kNN queries
  --store FILE          SQLite store (default data/bench.sqlite)
  --reports-dir DIR     report output directory (default reports)
  --run ID              aggregate/render/report/export: the measurement run (default: newest complete)
  --base ID             compare: the baseline run (default: the complete run before --head)
  --head ID             compare: the run compared with the baseline (default: newest complete)
  --threshold PCT       compare: exit 1 when a significant p50 slowdown exceeds PCT % (default: never)
  --dry-run             seed/measure: print every statement each target would send, with its bind
                        order and sample parameters; connects to nothing, writes nothing
  --force               seed: reload even if the target already holds the dataset
  --partial             aggregate/render: report an interrupted or failed run (marked PARTIAL everywhere)
  --keep-servers        on SIGINT/SIGTERM, leave running the servers pathbench started (default: stop them)`;

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
  const v = parsed.values;
  const problems: string[] = [];
  const overrides: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(intFlags)) {
    const raw = v[flag as keyof typeof v];
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
    dryRun: v['dry-run'] ?? false,
    force: v.force ?? false,
    partial: v.partial ?? false,
    keepServers: v['keep-servers'] ?? false,
    help: v.help ?? false,
  };
}
