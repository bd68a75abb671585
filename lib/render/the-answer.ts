import type { AggregateLevel, AggregateRow, ComparisonRow, OverheadRow } from '../store/aggregates.js';
import { CATALOGUE, CATEGORIES } from '../workload/queries.js';
import { lowRecallIn, notComparableText } from './comparability.js';
import { pairedComparisonsOf } from './paired-comparisons.js';
import { byQuery, comparisonOf, overheadPaired, paired } from './by-query.js';
import { targetOrder, type ReportData } from './report-data.js';

/**
 * "The answer": what a reader came for, in words, before any table. One line per scope (each
 * category, then all queries) for the fastest path, and one per pair of paths: every gateway pair
 * of the run (median difference per request in ms with its CI, and the p50 ratio as a percentage
 * with its CI) and every other pair (the p50 ratio only). Figures come from the stored statistics
 * (aggregates, gateway overhead, pairwise comparisons); nothing is computed here that the tables
 * below do not show.
 *
 * Wording rules (tested in test/unit/the-answer.test.ts):
 * - Every comparison is made from per-iteration pairs when the run has them (aggregated since they
 *   exist; lib/stats/bootstrap.ts pairedScopeCI): a query's percentage is the median of its
 *   per-iteration ratios within each order of the iteration, the orders averaged; its ms figure the
 *   gateway overhead's paired difference; a scope's the geometric mean (and mean) of its queries'. "significant" when the paired
 *   ratio's CI excludes 1. The line says "paired" and drops "at p50" (it is not a ratio of p50s);
 *   PAIRED_NOTE above the lines says how. Runs aggregated before keep the rules below.
 * - A scope of several queries (a category, all queries) is compared query by query: its ms figure
 *   is the mean of the queries' p50 differences, its percentage the geometric mean of their p50
 *   ratios, each with its CI (lib/stats/bootstrap.ts scopeOfMediansCI). The line then leads with
 *   the percentage, says "geometric mean over its N queries", and gives
 *   the ms figure signed ("+0.204 ms [−0.122, +0.589] per query on average"). Runs aggregated
 *   before that keep the pooled figures and the old wording.
 * - "significant" when the two-sided Mann–Whitney test says one path is faster (p ≤ 0.05) and the
 *   ratio's CI excludes 1 — for a scope compared query by query, when the CI of the geometric mean
 *   excludes 1 (a pooled rank test mixes queries of different latencies); otherwise "not
 *   significant", and the direction word is still the estimate's, never stated as a finding.
 * - "NOT COMPARABLE: …" instead of any significance when the paths' recall differs by more than
 *   max_recall_gap on a kNN query in the scope (lib/render/comparability.ts).
 * - "LOW RECALL on <query>" after a path's name wherever it has that verdict in the scope.
 * - "; the comparison moved during the run on <query>" at the end of a pair's line when a drift
 *   flag of either path on a query in the scope says the paired comparison between the two moved
 *   too (lib/stats/noise.ts); a drift both paths share cancels in it and adds nothing.
 * Runs without comparisons (one target) get the fastest-path lines only.
 */
export interface AnswerLine {
  scope: string;
  text: string;
}

const scopeLabel = (key: string) => (key === 'all' ? 'all queries' : `${key.replace(/_/g, ' ')} queries`);
const pct = (r: number, decimals = 0) => {
  const t = Math.abs((r - 1) * 100).toFixed(decimals);
  return Number(t) === 0 ? `${t}%` : `${r >= 1 ? '+' : '−'}${t}%`;
};
/**
 * A ratio and its CI as percentages: "+6% [+3%, +10%]"; with one decimal when the CI is narrower
 * than 2 points ("+0.7% [+0.5%, +0.9%]"), as paired comparisons often are, so that a tight
 * interval does not read "+1% [+0%, +1%]".
 */
const pctCI = (r: { ratio: number; low: number; high: number }) => {
  const dp = (r.high - r.low) * 100 < 2 ? 1 : 0;
  return `${pct(r.ratio, dp)} [${pct(r.low, dp)}, ${pct(r.high, dp)}]`;
};
const ms = (x: number) => Math.abs(x).toFixed(3);

function levelOf(key: string): AggregateLevel {
  return key === 'all' ? 'overall' : 'category';
}

function lowRecallNote(d: ReportData, target: string, key: string): string {
  const q = lowRecallIn(d, target, levelOf(key), key);
  return q.length ? ` (LOW RECALL on ${q.join(', ')})` : '';
}

/**
 * The comparison of `a` against `b` in a scope, oriented a/b (stored pairs may be the other way
 * round). A scope of several queries that was compared query by query (scopeOfMediansCI) gives
 * its geometric mean of the queries' p50 ratios and mean of their p50 differences (`perQuery`);
 * otherwise the pooled p50 ratio.
 */
interface Oriented {
  /** From per-iteration pairs (the row's paired figures), not from the two paths' samples taken apart. */
  paired: boolean;
  ratio: number;
  low: number;
  high: number;
  significant: boolean;
  /** The scope compared query by query: how many queries, and the mean of their p50 differences a − b (ms) with its CI. */
  perQuery?: { queries: number; diff: number; diffLow: number; diffHigh: number };
}

function oriented(d: ReportData, a: string, b: string, key: string): Oriented | null {
  const level = levelOf(key);
  const c = comparisonOf(d.comparisons, level, key, a, b);
  if (!c) return null;
  const p = paired(c);
  const g = p ?? byQuery(c);
  if (g) {
    const significant = g.low > 1 || g.high < 1;
    const perQuery = g.queries >= 2 ? { queries: g.queries, diff: g.diff, diffLow: g.diffLow, diffHigh: g.diffHigh } : undefined;
    const flip = perQuery && c.target_a !== a ? { perQuery: { ...perQuery, diff: -perQuery.diff, diffLow: -perQuery.diffHigh, diffHigh: -perQuery.diffLow } } : perQuery ? { perQuery } : {};
    if (c.target_a === a) return { paired: p !== null, ratio: g.ratio, low: g.low, high: g.high, significant, ...flip };
    return { paired: p !== null, ratio: 1 / g.ratio, low: 1 / g.high, high: 1 / g.low, significant, ...flip };
  }
  if (c.p50_ratio === null || c.ratio_low === null || c.ratio_high === null || c.p50_ratio <= 0 || c.ratio_low <= 0) return null;
  const significant = isSignificant(c);
  if (c.target_a === a) return { paired: false, ratio: c.p50_ratio, low: c.ratio_low, high: c.ratio_high, significant };
  return { paired: false, ratio: 1 / c.p50_ratio, low: 1 / c.ratio_high, high: 1 / c.ratio_low, significant };
}

export function isSignificant(c: Pick<ComparisonRow, 'mw_p' | 'verdict' | 'ratio_low' | 'ratio_high'>): boolean {
  if (c.mw_p === null || c.mw_p > 0.05 || c.verdict === 'no significant difference') return false;
  if (c.ratio_low === null || c.ratio_high === null) return false;
  return c.ratio_low > 1 || c.ratio_high < 1;
}

/** The queries of a scope on which a drift flag says the comparison between `a` and `b` moved during the run. */
function movedNote(d: ReportData, a: string, b: string, key: string): string {
  const inScope = (q: string) => key === 'all' || CATALOGUE.find((t) => t.id === q)?.category === key;
  const pair = [a, b].sort().join('\u0000');
  const queries = pairedComparisonsOf(d).filter((c) => c.verdict === 'moved' && c.paths.join('\u0000') === pair && inScope(c.query)).map((c) => c.query);
  return queries.length ? `; the comparison moved during the run on ${queries.sort().join(', ')} (noise warnings)` : '';
}

/** "pglite-wire is 0.060 ms [0.030, 0.110] slower than pglite per query (+6% [+3%, +10%]), significant". */
export function gatewayLine(d: ReportData, o: OverheadRow): string | null {
  if (o.overhead_ms === null || o.low_ms === null || o.high_ms === null) return null;
  const r = oriented(d, o.gateway, o.native, o.key);
  const judged = notComparableText(d, o.gateway, o.native, levelOf(o.key), o.key) ?? (r?.significant ? 'significant' : 'not significant');
  const moved = movedNote(d, o.gateway, o.native, o.key);
  const gw = `${o.gateway}${lowRecallNote(d, o.gateway, o.key)}`;
  const nat = `${o.native}${lowRecallNote(d, o.native, o.key)}`;
  // The ms figure of a paired comparison is the overhead row's paired one (what the budget verdict
  // judges and the overhead table shows), so the answer and the table never differ by Monte Carlo noise.
  const op = r?.paired ? overheadPaired(o) : null;
  if (r?.perQuery) {
    // A scope of several queries, compared query by query: the percentage (what "significant" judges)
    // first, then the mean of the queries' p50 differences, signed (its CI may straddle 0 when slow
    // queries' absolute noise dominates it).
    const q = op ? { diff: op.diff, diffLow: op.low, diffHigh: op.high } : r.perQuery;
    return `${gw} is ${pctCI(r)} ${r.ratio >= 1 ? 'slower' : 'faster'} than ${nat}${atP50(r)} (${queriesNote(r)}; ` +
      `${signedMs(q.diff)} ms [${signedMs(q.diffLow)}, ${signedMs(q.diffHigh)}] per query on average), ${judged}${moved}`;
  }
  const [est, low, high] = op ? [op.diff, op.low, op.high] : [o.overhead_ms, o.low_ms, o.high_ms];
  const word = est >= 0 ? 'slower' : 'faster';
  const [lo, hi] = est >= 0 ? [low, high] : [-high, -low];
  const ratio = r ? ` (${pctCI(r)}${r.paired ? ', paired' : ''})` : '';
  return `${gw} is ${ms(est)} ms [${lo.toFixed(3)}, ${hi.toFixed(3)}] ${word} than ${nat} per query${ratio}, ${judged}${moved}`;
}

/** " at p50", except for a paired comparison (the median of per-iteration ratios is not a ratio of p50s). */
const atP50 = (r: Oriented) => (r.paired ? '' : ' at p50');

/** "+0.204", "−0.122", "0.000": a signed difference in ms. */
const signedMs = (x: number) => {
  const t = Math.abs(x).toFixed(3);
  return Number(t) === 0 ? t : `${x > 0 ? '+' : '−'}${t}`;
};

/** "geometric mean over its 3 queries" for a scope compared query by query ("…, paired" from per-iteration pairs). */
function queriesNote(r: Oriented): string {
  return r.perQuery ? `geometric mean over its ${r.perQuery.queries} queries${r.paired ? ', paired' : ''}` : r.paired ? 'paired' : '';
}

/** "postgres is −35% [−40%, −30%] faster than pglite at p50, significant" (pairs without a gateway row). */
export function pairLine(d: ReportData, a: string, b: string, key: string): string | null {
  const r = oriented(d, a, b, key);
  if (!r) return null;
  const word = r.ratio >= 1 ? 'slower' : 'faster';
  const judged = notComparableText(d, a, b, levelOf(key), key) ?? (r.significant ? 'significant' : 'not significant');
  const note = queriesNote(r);
  const scope = note ? ` (${note})` : '';
  return `${a}${lowRecallNote(d, a, key)} is ${pctCI(r)} ${word} than ${b}${lowRecallNote(d, b, key)}${atP50(r)}${scope}, ${judged}${movedNote(d, a, b, key)}`;
}

/** "fastest: postgres, p50 0.421 ms [0.400, 0.440]". */
export function fastestLine(d: ReportData, rows: readonly AggregateRow[], key: string): string | null {
  const ok = rows.filter((a) => a.p50_ms !== null);
  if (ok.length === 0) return null;
  // The lowest p50; in a scope compared query by query, the path the per-query figures put ahead of
  // every other (the geometric mean of its ratios below 1 against each), so this line never names a
  // path that the pair lines below call slower.
  const aheadOfAll = ok.length > 1 ? ok.find((x) => ok.every((y) => y === x || ((r) => r !== null && r.perQuery !== undefined && r.ratio < 1)(oriented(d, x.target, y.target, key)))) : undefined;
  if (aheadOfAll) {
    // Its pooled p50 would be one query's, or fall between two: give each query's p50 instead
    // (for all queries, only how it was judged: the category lines list them).
    const n = (oriented(d, aheadOfAll.target, ok.find((y) => y !== aheadOfAll)!.target, key)?.perQuery?.queries) ?? 0;
    const leftOut = new Set((d.unsupported ?? []).map((u) => u.query_id)); // out of every category figure (lib/pipeline/aggregate.ts)
    const queries = key === 'all' ? [] : d.aggregates.filter((a) => a.target === aheadOfAll.target && a.level === 'query' && a.category === key && a.p50_ms !== null && !leftOut.has(a.key));
    const each = queries.length ? `; p50 by query: ${queries.map((a) => `${a.key} ${a.p50_ms!.toFixed(3)} ms${ciText(a)}`).join(', ')}` : '';
    return `fastest: ${aheadOfAll.target}${lowRecallNote(d, aheadOfAll.target, key)} (ahead of every other path query by query, over its ${n} queries${each})`;
  }
  const best = ok.reduce((x, y) => (y.p50_ms! < x.p50_ms! ? y : x));
  return `fastest: ${best.target}${lowRecallNote(d, best.target, key)}, p50 ${best.p50_ms!.toFixed(3)} ms${ciText(best)}`;
}

/** " [0.400, 0.440]": an aggregate row's p50 CI, or '' without one. */
const ciText = (a: AggregateRow) => (a.p50_low !== null && a.p50_low !== undefined && a.p50_high !== null && a.p50_high !== undefined ? ` [${a.p50_low.toFixed(3)}, ${a.p50_high.toFixed(3)}]` : '');

export function theAnswer(d: ReportData): AnswerLine[] {
  // Runs recorded before the recall rules (no max_recall_gap stored) cannot be judged for
  // comparability: they get no answer section, and their reports stay byte-identical.
  if ((d.config as { max_recall_gap?: number }).max_recall_gap === undefined) return [];
  const order = targetOrder(d);
  const keys = [...CATEGORIES.filter((c) => d.aggregates.some((a) => a.level === 'category' && a.key === c)), 'all'];
  const out: AnswerLine[] = [];
  for (const key of keys) {
    const rows = order.flatMap((t) => d.aggregates.filter((a) => a.target === t && a.level === levelOf(key) && a.key === key));
    const fastest = fastestLine(d, rows, key);
    if (fastest) out.push({ scope: scopeLabel(key), text: fastest });
    const gatewayRows = d.overhead.filter((o) => o.key === key);
    const covered = new Set(gatewayRows.map((o) => [o.gateway, o.native].sort().join('\u0000')));
    for (const o of gatewayRows) {
      const line = gatewayLine(d, o);
      if (line) out.push({ scope: scopeLabel(key), text: line });
    }
    for (let i = 0; i < order.length; i++) {
      for (let j = i + 1; j < order.length; j++) {
        const [a, b] = [order[i]!, order[j]!];
        if (covered.has([a, b].sort().join('\u0000'))) continue;
        const line = pairLine(d, a, b, key);
        if (line) out.push({ scope: scopeLabel(key), text: line });
      }
    }
  }
  return out;
}

/** table.txt's first section ([] for a run with no aggregates). */
export function theAnswerTableLines(d: ReportData): string[] {
  const lines = theAnswer(d);
  if (lines.length === 0) return [];
  const note = answerNote(d);
  const how = note ? [`  (${note})`] : [];
  return ['', `The answer (${answerWhat(d)}, 95% CIs; details in the sections below)`, ...how, ...lines.map((l) => `  ${l.scope}: ${l.text}`)];
}

/** How a scope of several queries is compared, said once above the answer's lines. */
export const BY_QUERY_NOTE = 'a category or all queries: each of its queries compared on its own, then the geometric mean of their p50 ratios and the mean of their p50 differences';

/** What the answer's figures are, in its heading: per-iteration pairs' medians, or p50s. */
export function answerWhat(d: ReportData): string {
  return d.comparisons.some((c) => paired(c) !== null) ? 'per request, from paired iterations' : 'p50 per request';
}

/** How the answer's comparisons are made, said once above its lines, when they come from pairs (interleaved schedule). */
export const PAIRED_NOTE =
  'paired: in every iteration both paths ran the same parameters back to back, so a change of the machine\'s speed moves both; ' +
  'a query is compared on the median of its per-iteration ratios and differences within each order of the iteration (who ran first), the orders averaged; ' +
  'a category or all queries on the geometric mean of its queries\' ratios and the mean of their differences';

/** PAIRED_NOTE for `schedule: blocked`, where the two requests of a pair ran a block apart. */
export const PAIRED_BLOCKED_NOTE =
  'paired: in every iteration both paths ran the same parameters, but under schedule: blocked a block apart, so a change of the machine\'s speed does not cancel in a pair as it does interleaved; ' +
  'a query is compared on the median of its per-iteration ratios and differences within each half of the ABBA blocks, the halves averaged; ' +
  'a category or all queries on the geometric mean of its queries\' ratios and the mean of their differences';

/** Whether any line of the answer compares a scope query by query (a run aggregated since it exists). */
export function answerComparesByQuery(d: ReportData): boolean {
  return d.comparisons.some((c) => byQuery(c) !== null);
}

/** The note above the answer's lines: PAIRED_NOTE when its comparisons come from pairs, BY_QUERY_NOTE when only from query-by-query medians, else none. */
export function answerNote(d: ReportData): string | null {
  if (d.comparisons.some((c) => paired(c) !== null)) return (d.config as { schedule?: string }).schedule === 'blocked' ? PAIRED_BLOCKED_NOTE : PAIRED_NOTE;
  return answerComparesByQuery(d) ? BY_QUERY_NOTE : null;
}
