import type { AggregateRow, NoiseFlagRow } from '../store/aggregates.js';
import { sampleColumnsOf } from '../store/sample-columns.js';
import type { SampleRow } from '../store/samples.js';
import { groupLatencies, type LatencyGroups } from './latency-groups.js';
import type { MachineSpeed, ProbeTimings } from '../measure/speed-probe.js';
import { probeMedianBetween, probesAround } from './machine-speed.js';
import { mannWhitneyU } from './mann-whitney.js';
import { changesOverStretches, stretchChangesText, tenthsText, type StretchChange } from './drift-context.js';
import { medianOf } from './quantile.js';
import { pairedByIteration, type IterationPairs } from './paired-by-iteration.js';
import { MIN_PER_ORDER, orderCentred, ordersInIteration } from './order-centring.js';

/**
 * Noise warnings per target × query:
 *  - wide interval: the 95% CI of p50 is wider than ±10% of p50 (half-width / p50 > 0.10);
 *  - drift: the medians of the first and last quarter of the iterations differ by more than 10%
 *    and a Mann–Whitney test says the difference is significant (p ≤ 0.05);
 *  - machine drift: such a drift, when the run timed the machine's own speed (lib/measure/speed-probe.ts)
 *    and the machine's change accounts for it. First test (sameSpeedDrift): the two quarters are
 *    compared again on only the requests that ran while the machine was at the same speed (the
 *    probes on both sides of the request within ±SAME_SPEED_BAND of the last quarter's probe
 *    median). No drift there, and at most half the change left (machineTookHalf): "machine drift";
 *    otherwise "drift", the path's own.
 *    When either quarter has fewer than MIN_SAME_SPEED such requests, the fallback: the probe's
 *    medians over the two stretches moved the same way by more than SAME_SPEED_BAND
 *    (machineExplains): the machine was not the same, so the path's own drift cannot be told apart.
 *  Every drift and machine drift also gives the query's median by tenth and how every other
 *  target × query changed over the same two stretches (lib/stats/drift-context.ts: a trend or a
 *  passing stretch, the query's own or the whole run's), and says, for each other path that ran the query, whether the
 *  comparison between the two moved with it (pairedComparisonChange): a drift common to both
 *  cancels in the ratio per iteration, and that ratio is what the report's answer compares.
 *
 * Why the same-speed comparison first: a quarter that is partly slow hides from a median. Measured
 * on config/embedded.yaml (quiet VM, other processes 0.01 cores, steal 0): the probe ran about 1.5×
 * slower through tenths 2–4 of the phase; the first quarter's probe median was the fast one
 * (under half of its probes were slow) while the queries' first-quarter medians moved 11–26%, so
 * 15 of the 16 pairs were flagged "drift" that the machine had caused (docs/methodology.md).
 */
export const WIDE_CI_LIMIT = 0.1;
export const DRIFT_LIMIT = 0.1;
/** Requests count as "at the same machine speed" when the probes around them are within ±10% of the reference. */
export const SAME_SPEED_BAND = 0.1;
/** Fewer same-speed requests than this in a quarter: no same-speed comparison (as for a quarter, noise flags need 8). */
export const MIN_SAME_SPEED = 8;

/**
 * The first and last quarter compared on the requests that ran while the machine was at the speed
 * `refMs` (the last quarter's probe median): the probes on both sides of the request (probesAround)
 * within ±SAME_SPEED_BAND of it. Null when either quarter has fewer than MIN_SAME_SPEED such requests.
 */
export function sameSpeedDrift(
  first: Float64Array, firstStarts: Float64Array, last: Float64Array, lastStarts: Float64Array, speed: MachineSpeed, refMs: number,
): { n1: number; n4: number; m1: number; m4: number; change: number; significant: boolean } | null {
  const keep = (xs: Float64Array, starts: Float64Array) => {
    const out: number[] = [];
    for (let i = 0; i < xs.length; i++) {
      const around = probesAround(speed, starts[i]!);
      if (around.length > 0 && around.every((p) => p >= refMs * (1 - SAME_SPEED_BAND) && p <= refMs * (1 + SAME_SPEED_BAND))) out.push(xs[i]!);
    }
    return Float64Array.from(out);
  };
  const a = keep(first, firstStarts);
  const b = keep(last, lastStarts);
  if (a.length < MIN_SAME_SPEED || b.length < MIN_SAME_SPEED) return null;
  const c = quarterChange(a, b);
  return { n1: a.length, n4: b.length, m1: c.m1, m4: c.m4, change: c.change, significant: c.drift };
}

/**
 * The one drift test, on all of a query's quarters or on their same-speed requests: the medians of
 * the first and last quarter, the relative change, and whether it is a drift (more than
 * DRIFT_LIMIT and a significant Mann–Whitney test, p ≤ 0.05).
 */
function quarterChange(first: Float64Array, last: Float64Array): { m1: number; m4: number; change: number; drift: boolean } {
  const m1 = medianOf(first);
  const m4 = medianOf(last);
  const change = (m4 - m1) / m1;
  return { m1, m4, change, drift: Math.abs(change) > DRIFT_LIMIT && mannWhitneyU(first, last).p <= 0.05 };
}

/**
 * The fallback when too few requests ran at the same machine speed in both quarters: whether the
 * machine itself was not the same over the two stretches — its probe's median moved the same way
 * as the query's, by more than SAME_SPEED_BAND. Then the path's own drift cannot be told apart
 * from the machine's change, and the flag is "machine drift".
 *
 * Not "by at least as much", as it was: how much a change of the machine moves a query is not the
 * probe's own change. The probe, a tight CPU loop, moved 3.1× on a loaded run while the queries
 * moved 1.15–1.5×; on a quiet VM whose probe went 0.486 → 0.334 ms (−31%) the queries moved −24%
 * to −45%, the exact scans −29% and −30%, and a steady run right after on the same store had every query
 * within −6% and +5% (docs/methodology.md, cause 4). Nor a division by the probe's ratio, which
 * would turn the first case into an opposite "drift". A probe that moved less than the band, or
 * the other way, does not explain anything: the flag stays "drift".
 */
export function machineExplains(queryRatio: number, probeRatio: number): boolean {
  const q = Math.log(queryRatio);
  const p = Math.log(probeRatio);
  return Math.sign(q) === Math.sign(p) && Math.abs(p) > Math.log(1 + SAME_SPEED_BAND);
}

/**
 * Whether the same-speed comparison took at least half of a drift away: the change left on the
 * requests at the same machine speed is at most half the whole change (in log terms), or goes the
 * other way. Only then is the drift the machine's. Why: a change just under the drift limit there
 * is not the machine's. Measured on a fresh `make all` with the probe flat (+1%): pglite-wire
 * simple_select_id −10% over all requests and −9.5% on the 46 and 42 at the same speed; "not a
 * drift at the same machine speed" made it machine drift, although the machine had changed nothing.
 */
export function machineTookHalf(change: number, sameSpeedChange: number): boolean {
  const all = Math.log1p(change);
  const same = Math.log1p(sameSpeedChange);
  return Math.sign(same) !== Math.sign(all) || Math.abs(same) <= Math.abs(all) / 2;
}

/** Whole percent with its sign; a change that rounds to 0 is "0%", never "-0%" or "+0%". */
const pct = (x: number) => {
  const t = (100 * x).toFixed(0);
  return t === '-0' || t === '0' ? '0%' : `${x > 0 ? '+' : ''}${t}%`;
};

/** A paired comparison's verdict (pairedComparisonChange). */
export type PairedVerdict = 'held' | 'moved' | 'unclear';

/**
 * Whether a drift of `target` on `queryId` moved its comparison with `other` as well. The two
 * paths ran the query with the same parameters in the same iteration, alternating (interleaved,
 * or ABBA blocks), so the per-iteration ratio other ÷ target is a paired comparison, and a drift
 * common to both cancels in it. The first and last quarter of those ratios (over the iterations
 * both paths completed) go through the same test as a drift: medians more than DRIFT_LIMIT apart
 * and Mann–Whitney p ≤ 0.05 → 'moved'; within DRIFT_LIMIT → 'held'; more than DRIFT_LIMIT apart
 * but not significant → 'unclear' (the paired ratios are too spread to tell; never called held).
 * Null when fewer than 8 pairs per quarter.
 * Why: a drift warning on both paths does not say whether the answer (how much one path costs
 * over the other) moved; this does, in the flag's own detail.
 */
export function pairedComparisonChange(groups: LatencyGroups, target: string, other: string, queryId: string): { r1: number; r4: number; change: number; verdict: PairedVerdict } | null {
  const ratios = orderCentered(pairedByIteration(groups, other, target, queryId));
  const q = Math.floor(ratios.length / 4);
  if (q < 8) return null;
  const c = quarterChange(ratios.slice(0, q), ratios.slice(ratios.length - q));
  return { r1: c.m1, r4: c.m4, change: c.change, verdict: c.drift ? 'moved' : Math.abs(c.change) > DRIFT_LIMIT ? 'unclear' : 'held' };
}

/**
 * The per-iteration ratios with the order effect taken out (lib/stats/order-centring.ts: each
 * order centred on its own median, when both orders fill the first and last quarter). Without it
 * the ratios of the two orders form two modes (join ×1.25 and ×0.56 on config/embedded.yaml), and
 * a quarter's median lands between them.
 */
export function orderCentered(p: IterationPairs): Float64Array {
  return orderCentred(p.ratios, p.order) ?? p.ratios;
}

/** Said in a drift's detail when its series was centred by order (lib/stats/order-centring.ts). */
export const CENTRED_NOTE = '; each order of its iterations centred on its own median: the order effect taken out';

const VERDICT_TEXT: Record<PairedVerdict, string> = {
  moved: 'the comparison between them moved too',
  held: 'the comparison between them held',
  unclear: 'the comparison between them changed by more than 10% but not significantly (too spread to tell)',
};

/**
 * Every paired comparison a drift flag's detail reports: the other path, and its verdict, read
 * back from the text comparisonText wrote (the store keeps the detail as text).
 */
export function pairedComparisonsIn(detail: string): { other: string; verdict: PairedVerdict }[] {
  const out: { other: string; verdict: PairedVerdict }[] = [];
  for (const m of detail.matchAll(/; ([^;]+?) ÷ ([^;]+?), paired by iteration: [^;]*?: (the comparison between them [^;]*)/g)) {
    const verdict = (Object.keys(VERDICT_TEXT) as PairedVerdict[]).find((v) => VERDICT_TEXT[v] === m[3]);
    if (verdict) out.push({ other: m[1]!, verdict });
  }
  return out;
}

/** The detail a drift flag gets about each other path of the run that ran the same query. */
function comparisonText(groups: LatencyGroups, target: string, queryId: string): { text: string; verdicts: PairedVerdict[] } {
  const parts: string[] = [];
  const verdicts: PairedVerdict[] = [];
  for (const other of groups.targets) {
    if (other === target) continue;
    const c = pairedComparisonChange(groups, target, other, queryId);
    if (!c) continue;
    verdicts.push(c.verdict);
    parts.push(`${other} ÷ ${target}, paired by iteration: ×${c.r1.toFixed(2)} in the first quarter, ×${c.r4.toFixed(2)} in the last (${pct(c.change)}): ` +
      VERDICT_TEXT[c.verdict]);
  }
  return { text: parts.length ? `; ${parts.join('; ')}` : '', verdicts };
}

/** At least this many other pairs, and this share of them moving the same way, for a drift to be the run's (sharedByTheRun). */
export const SHARED_MIN_PAIRS = 4;
export const SHARED_SAME_WAY = 0.8;

/**
 * Whether a drift is the whole run's rather than the path's own: over the same two stretches at
 * least SHARED_MIN_PAIRS other target × query pairs were compared, at least SHARED_SAME_WAY of them
 * moved the same way, and this query's change is within DRIFT_LIMIT of their median (in log
 * terms). Then the words for it; else null. It does not change the flag's kind (the run did drift):
 * it stops the detail from calling "the path's own" a change every path shared.
 * Why: a fresh run of config/embedded.yaml (quiet, both probes steady after a slow first 8 s) had
 * three drifts of −11% and −12% (index kNN queries) called the paths' own, while all 15 other
 * pairs, exact scans included, moved −5% to −15% (median −7%) over the same stretches.
 */
export function sharedByTheRun(changes: readonly StretchChange[], change: number): string | null {
  if (changes.length < SHARED_MIN_PAIRS) return null;
  const c = changes.map((x) => x.change);
  const same = c.filter((x) => Math.sign(x) === Math.sign(change) && x !== 0).length;
  const mid = medianOf(c);
  if (same < SHARED_SAME_WAY * c.length || Math.abs(Math.log1p(change) - Math.log1p(mid)) > Math.log1p(DRIFT_LIMIT)) return null;
  return `the whole run moved with it (${same} of the ${c.length} other target × query pairs the same way, median ${pct(mid)}, within ${(100 * DRIFT_LIMIT).toFixed(0)}% of this one): a change every path shared, not this path's alone`;
}

/**
 * Whether a drift is the query's on every path rather than this path's: every other path that ran
 * the query was compared pair by pair (pairedComparisonChange) and every comparison held — the
 * others moved with it. Then the words for it; else null. Like sharedByTheRun, it changes the
 * words, not the kind. Why: on one quiet fresh run the exact scans moved +21% to +24% on both
 * paths (the rest of the run did not), and "the path's own drift" named a path for what both did.
 */
export function sharedByThePaths(verdicts: readonly PairedVerdict[]): string | null {
  if (verdicts.length === 0 || verdicts.some((v) => v !== 'held')) return null;
  return `every other path that ran this query moved with it (${verdicts.length === 1 ? 'the paired comparison below held' : `all ${verdicts.length} paired comparisons below held`}): the query's drift on every path, not this path's alone`;
}

/** A drift's kind, and the words after its medians that say why (from "; the machine's speed probe …"). */
interface DriftVerdict {
  kind: 'drift' | 'machine drift';
  why: string;
}

/**
 * The CPU speed probe's verdict on a drift (the rules in this file's header): the same-speed
 * comparison, or its fallback. Null when the probe has too few timings for the stretches.
 */
function cpuProbeVerdict(
  first: Float64Array, firstStarts: Float64Array, last: Float64Array, lastStarts: Float64Array, speed: MachineSpeed,
  from1: number, to1: number, from4: number, to4: number, m1: number, m4: number, change: number, shared: boolean,
): DriftVerdict | null {
  const own = shared ? "not the machine's by its speed probe" : "the path's own drift";
  const p1 = probeMedianBetween(speed, from1, to1);
  const p4 = probeMedianBetween(speed, from4, to4);
  if (p1 === null || p4 === null) return null;
  const probe = `; the machine's speed probe took ${p1.toFixed(3)} ms then ${p4.toFixed(3)} ms over the same stretches (${pct(p4 / p1 - 1)})`;
  const same = sameSpeedDrift(first, firstStarts, last, lastStarts, speed, p4);
  if (same) {
    const at = `on the requests that ran at the same machine speed (the probes on both sides within ±${(100 * SAME_SPEED_BAND).toFixed(0)}% of ${p4.toFixed(3)} ms: ${same.n1} of the first quarter's ${first.length}, ${same.n4} of the last's), ` +
      `${same.m1.toFixed(3)} ms then ${same.m4.toFixed(3)} ms (${pct(same.change)})`;
    return same.significant || !machineTookHalf(change, same.change)
      ? { kind: 'drift', why: `${probe}; ${at}: ${own}` }
      : { kind: 'machine drift', why: `${probe}; ${at}: not a drift at the same machine speed, so the rest was the machine's` };
  }
  const few = 'too few requests ran at the same machine speed in both quarters to compare them there';
  return machineExplains(m4 / m1, p4 / p1)
    ? { kind: 'machine drift', why: `${probe}: the machine changed the same way by more than ${(100 * SAME_SPEED_BAND).toFixed(0)}% (${few}), so the path's own drift cannot be told apart` }
    : { kind: 'drift', why: `${probe}: the machine was the same within ${(100 * SAME_SPEED_BAND).toFixed(0)}% or changed the other way (${few}), so ${shared ? "not the machine's by its speed probe" : "the drift is the path's own"}` };
}

/**
 * The memory probe's say (lib/measure/speed-probe.ts; runs since it exists): its medians over the
 * same two stretches are added to the detail, and a drift the CPU probe left as the path's own
 * becomes machine drift when the memory probe moved the same way by more than SAME_SPEED_BAND
 * (machineExplains): the memory system was not the same, so the path's own drift cannot be told
 * apart. Why: a stream through memory can slow while a cache-resident CPU loop does not, and the
 * exact scans read the whole table (the measured case is in speed-probe.ts). A machine drift
 * stays one whatever the memory probe did.
 */
export function memoryProbeVerdict(byCpu: DriftVerdict, memory: ProbeTimings | undefined, from1: number, to1: number, from4: number, to4: number, queryRatio: number): DriftVerdict {
  if (!memory) return byCpu;
  const p1 = probeMedianBetween(memory, from1, to1);
  const p4 = probeMedianBetween(memory, from4, to4);
  if (p1 === null || p4 === null) return byCpu;
  const probe = `; the machine's memory probe took ${p1.toFixed(3)} ms then ${p4.toFixed(3)} ms over the same stretches (${pct(p4 / p1 - 1)})`;
  if (byCpu.kind === 'machine drift') return { kind: byCpu.kind, why: `${byCpu.why}${probe}` };
  return machineExplains(queryRatio, p4 / p1)
    ? { kind: 'machine drift', why: `${byCpu.why}${probe}: the memory system changed the same way by more than ${(100 * SAME_SPEED_BAND).toFixed(0)}%, so the path's own drift cannot be told apart` }
    : { kind: 'drift', why: `${byCpu.why}${probe}: not the same way by more than ${(100 * SAME_SPEED_BAND).toFixed(0)}% either` };
}

/**
 * Said in a wide interval's detail when the query's latencies form modes by the order of their
 * iteration: its median in each order (at least MIN_PER_ORDER requests each) differ by
 * ORDER_MODES_LIMIT or more. Then the p50 falls between the modes and its interval reaches into the gap;
 * the comparisons between paths take each order apart (lib/stats/paired-by-iteration.ts). Why: a
 * quiet fresh run of config/embedded.yaml flagged join's p50 on both paths (±12% and ±13%) while,
 * by which path ran first, its medians were ×1.49 and ×1.54 apart; the flag did not say why.
 */
export const ORDER_MODES_LIMIT = 1.1;

export function orderModesText(values: Float64Array, order: ArrayLike<number>): string {
  const by = new Map<number, number[]>();
  for (let i = 0; i < values.length; i++) {
    const o = order[i]!;
    if (!by.has(o)) by.set(o, []);
    by.get(o)!.push(values[i]!);
  }
  const medians = [...by.values()].filter((xs) => xs.length >= MIN_PER_ORDER).map((xs) => medianOf(xs));
  if (medians.length < 2) return '';
  const lo = Math.min(...medians);
  const hi = Math.max(...medians);
  if (hi / lo < ORDER_MODES_LIMIT) return '';
  const modes = medians.length === 2
    ? `by which path ran its iteration first, its median was ${lo.toFixed(3)} ms one way and ${hi.toFixed(3)} ms the other (×${(hi / lo).toFixed(2)}): the p50 lies between two modes`
    : `over the ${medians.length} orders in which the paths ran its iteration, its median ranged from ${lo.toFixed(3)} ms to ${hi.toFixed(3)} ms (×${(hi / lo).toFixed(2)}): the p50 lies between modes`;
  return `; ${modes}, which widens its interval; the comparisons between paths take each order apart${medians.length === 2 ? ' (see the order effect)' : ''}`;
}

/** noiseFlagsFromGroups over rows in memory (tests; the aggregate stage groups once for everything). */
export function noiseFlags(runId: string, aggregates: readonly AggregateRow[], samples: readonly SampleRow[], speed?: MachineSpeed | null): NoiseFlagRow[] {
  return noiseFlagsFromGroups(runId, aggregates, groupLatencies(sampleColumnsOf(samples)), speed);
}

export function noiseFlagsFromGroups(runId: string, aggregates: readonly AggregateRow[], groups: LatencyGroups, speed?: MachineSpeed | null): NoiseFlagRow[] {
  const out: NoiseFlagRow[] = [];
  const queryRows = aggregates.filter((x) => x.level === 'query');
  const pairs = queryRows.map((x) => ({ target: x.target, query_id: x.key }));
  for (const a of queryRows) {
    // Successful latencies of this target × query in iteration order, and the order in which the
    // targets ran each one's iteration (lib/stats/order-centring.ts).
    const raw = groups.series(a.target, a.key);
    const orders = ordersInIteration(groups, a.target, a.key);
    if (a.p50_ms && a.p50_low != null && a.p50_high != null) {
      const half = (a.p50_high - a.p50_low) / 2;
      if (half / a.p50_ms > WIDE_CI_LIMIT) {
        out.push({ run_id: runId, target: a.target, query_id: a.key, kind: 'wide interval', detail: `p50 ${a.p50_ms.toFixed(3)} ms ± ${half.toFixed(3)} (${((100 * half) / a.p50_ms).toFixed(0)}% > 10%)${orderModesText(raw, orders)}` });
      }
    }
    // The order effect taken out where the schedule alternates the order within the quarters.
    const centred = orderCentred(raw, orders);
    const mine = centred ?? raw;
    const q = Math.floor(mine.length / 4);
    if (q < 8) continue; // too few samples per quarter to say anything
    const first = mine.subarray(0, q);
    const last = mine.subarray(mine.length - q);
    const { m1, m4, change, drift } = quarterChange(first, last);
    if (drift) {
      const detail = `median ${m1.toFixed(3)} ms in the first quarter, ${m4.toFixed(3)} ms in the last (${pct(change)}${centred ? CENTRED_NOTE : ''})`;
      const starts = groups.seriesStarts(a.target, a.key);
      // What tells a trend from a passing stretch, and the query's own change from the run's
      // (lib/stats/drift-context.ts), then the paired comparisons (read back by pairedComparisonsIn).
      const stretches = changesOverStretches(groups, pairs, a.target, a.key, starts[0]!, starts[q - 1]!, starts[mine.length - q]!, starts[mine.length - 1]!);
      const context = [tenthsText(mine), stretchChangesText(stretches, change, pct)].filter((x) => x !== '').map((x) => `; ${x}`).join('');
      const paired = comparisonText(groups, a.target, a.key);
      const compared = context + paired.text;
      const from1 = starts[0]!;
      const to1 = starts[q - 1]!;
      const from4 = starts[mine.length - q]!;
      const to4 = starts[mine.length - 1]!;
      const shared = sharedByTheRun(stretches, change) ?? sharedByThePaths(paired.verdicts);
      const byCpu = speed ? cpuProbeVerdict(first, starts.subarray(0, q), last, starts.subarray(mine.length - q), speed, from1, to1, from4, to4, m1, m4, change, shared !== null) : null;
      const flag = byCpu ? memoryProbeVerdict(byCpu, speed!.memory, from1, to1, from4, to4, m4 / m1) : { kind: 'drift' as const, why: '' };
      const common = flag.kind === 'drift' && shared ? `; ${shared}` : '';
      out.push({ run_id: runId, target: a.target, query_id: a.key, kind: flag.kind, detail: `${detail}${flag.why}${common}${compared}` });
    }
  }
  return out;
}
