import type { ClientCapacityRow } from '../store/client-capacity.js';
import type { ResolvedConfig } from '../config/load.js';
import type { GcSummary } from '../stats/gc-tail.js';
import type { AggregateRow, ComparisonRow, NoiseFlagRow, OverheadRow, SpectrumRow } from '../store/aggregates.js';
import type { FingerprintRow } from '../store/datasets.js';
import type { RunRow } from '../store/runs.js';
import type { RunTargetRow } from '../store/run-targets.js';
import type { RunShardRow } from '../store/run-shards.js';
import type { ShardLevelRow } from '../store/shard-levels.js';
import type { VerificationSummaryRow } from '../store/verifications.js';
import type { SweepAggregateRow } from '../store/sweep.js';
import type { EfSearchMatchedRow, EfSearchPointRow } from '../store/ef-search.js';
import type { OpenLoopAggregateRow, OpenLoopVerdictRow } from '../store/open-loop.js';
import type { QueryPlanRow } from '../store/query-plans.js';
import type { LevelClientLoad } from '../store/level-client-load.js';
import type { WarmupConvergenceRow } from '../store/warmup-convergence.js';
import { notSupportedText, type UnsupportedQueryRow } from '../store/unsupported-queries.js';

/** Everything render needs, read from the store only (no database, no clock). */
export interface ReportData {
  run: RunRow;
  config: ResolvedConfig;
  aggregates: AggregateRow[];
  spectrum: SpectrumRow[];
  fingerprints: FingerprintRow[];
  environment: Record<string, unknown>;
  /** Every pair of targets per query / category / overall (p50 ratio with CI, Mann–Whitney). */
  comparisons: ComparisonRow[];
  /** Wide intervals and drift, per target × query. */
  noise: NoiseFlagRow[];
  /** Gateway minus native, per declared pair and category. */
  overhead: OverheadRow[];
  /** Verdicts of the untimed verification pass (empty when it was disabled). */
  verification: VerificationSummaryRow[];
  /** Closed-loop concurrency sweep (empty when the run had none). */
  sweep: SweepAggregateRow[];
  /** ef_search sweep: recall–QPS points and figures at matched recall (both empty when the run had none). */
  efSearch: { points: EfSearchPointRow[]; matched: EfSearchMatchedRow[] };
  /** Open-loop fixed-rate levels and SLO verdicts (absent or empty when the run had none). */
  openLoop?: { rows: OpenLoopAggregateRow[]; verdicts: OpenLoopVerdictRow[] };
  /** Captured query plans, main measurement and sweep (absent or empty for runs from before plan capture). */
  plans?: QueryPlanRow[];
  /** Client load per concurrency-sweep level and open-loop rate level (absent: read none; a level's load null: not recorded). */
  levelClientLoad?: { sweep: LevelClientLoad[]; openLoop: LevelClientLoad[] };
  /** The client's measured capacity per target (absent: not read; empty: a run from before it was recorded). */
  clientCapacity?: ClientCapacityRow[];
  /** Session warmup requests of this run (excluded from every metric). */
  warmupRequests: number;
  /** Queries a path could not run (lib/pipeline/query-probe.ts); absent or empty when every path ran every query. */
  unsupported?: UnsupportedQueryRow[];
  /** Session warmup per query × target (lib/render/steady-state-report.ts); absent or empty for runs from before it was recorded. */
  warmup?: WarmupConvergenceRow[];
  /** GC pauses of the measuring process and the tail requests they overlapped; absent or null for runs from before it was recorded. */
  gc?: GcSummary | null;
  /** The run's target instances with their types (absent: not read; old runs: every name is its type). */
  instances?: RunTargetRow[];
  /** A file dataset's own neighbour lists disagree with the exact top-k on more than 1% of lists (lib/pipeline/ground-truth.ts); absent otherwise. */
  datasetProblem?: string;
  /** The shards of a run merged from `measure --shard i/N` stores (absent or empty: not sharded, or from before shards). */
  shards?: RunShardRow[];
  /** Each shard's sharded open-loop levels: instant and lateness (absent or empty: none). */
  shardLevels?: ShardLevelRow[];
}

export const BELOW_SCALE_NOTICE =
  'NOTICE: below production scale — dataset_size < 100,000 rows (scale: small). Use these numbers for demos and tests, not for decisions.';

/** Targets in the order the run listed them. */
export function targetOrder(d: ReportData): string[] {
  return JSON.parse(d.run.targets_json) as string[];
}

/** Verdict lines a reader must not miss (anything but 'ok'), worded for humans. */
export function verificationWarnings(d: ReportData): string[] {
  const pct = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  return d.verification
    .filter((v) => v.verdict !== 'ok')
    .map((v) => {
      const best = Math.max(...d.verification.filter((o) => o.query_id === v.query_id).map((o) => o.mean_recall ?? -1));
      switch (v.verdict) {
        case 'recall collapse':
          return `${v.target} / ${v.query_id}: RECALL COLLAPSE — mean recall@${d.config.k} ${pct(v.mean_recall)} against ${pct(best)} on the best target. It returns different (wrong) neighbours; its latency is not comparable.`;
        case 'LOW RECALL':
          return `${v.target} / ${v.query_id}: LOW RECALL — mean recall@${d.config.k} ${pct(v.mean_recall)} (min ${pct(v.min_recall)}), below min_recall ${d.config.min_recall}. It finds fewer true neighbours than asked for: raise hnsw.ef_search, or use realistic data (distribution: clustered).`;
        case 'wrong neighbours':
          return `${v.target} / ${v.query_id}: WRONG NEIGHBOURS — an exact kNN query with mean recall@${d.config.k} ${pct(v.mean_recall)} (should be 1.000).`;
        case 'mismatch':
          return `${v.target} / ${v.query_id}: DIFFERENT ANSWERS — ${v.mismatches} of ${v.checked} verification executions returned rows that differ from the other targets.`;
        default:
          return `${v.target} / ${v.query_id}: ${v.errors} of ${v.checked} verification executions FAILED.`;
      }
    })
    .concat(d.datasetProblem ? [`DATASET PROBLEM — ${d.datasetProblem.replace(/^dataset problem: /, '')}.`] : []);
}

/** Non-empty when the run is not complete (rendered with --partial): shown on every output. */
export function partialNotice(d: ReportData): string {
  return d.run.status === 'complete'
    ? ''
    : `PARTIAL RUN — status ${d.run.status}${d.run.error ? ` (${d.run.error})` : ''}. These figures cover only the requests measured before it stopped; do not compare them with complete runs.`;
}

/** The queries a path could not run, in the run's target order, then by query id. */
export function unsupportedInOrder(d: ReportData): UnsupportedQueryRow[] {
  const order = targetOrder(d);
  return [...(d.unsupported ?? [])].sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target) || a.query_id.localeCompare(b.query_id));
}

/** "iris-pgwire / vector_l2: not supported on this path: <error>", one per query a path could not run. */
export function notSupportedLines(d: ReportData): string[] {
  return unsupportedInOrder(d).map((u) => `${u.target} / ${u.query_id}: ${notSupportedText(u)}`);
}

/** What every category and overall figure leaves out (aggregate's leaveOut), or '' when nothing. */
export function leftOutNote(d: ReportData): string {
  const ids = [...new Set((d.unsupported ?? []).map((u) => u.query_id))].sort();
  if (ids.length === 0) return '';
  return `Category and overall figures, pairwise comparisons, gateway overhead, the time series, the concurrency sweep and the open loop leave out ${ids.join(', ')} on every target (not supported on some path); per-query figures of the paths that ran ${ids.length === 1 ? 'it' : 'them'} remain.`;
}
