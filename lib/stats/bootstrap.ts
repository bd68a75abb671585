import { SeededStream } from '../workload/prng.js';
import { meanBootstrapQuantiles } from './mean-bootstrap.js';
import { OrderStatisticResampler } from './order-statistic-resampler.js';
import { quantileSorted } from './quantile.js';

/**
 * Seeded percentile-bootstrap confidence intervals.
 *
 * Method (Efron's percentile bootstrap): draw B resamples of size n with replacement from the n
 * observations, compute the statistic on each, and take the (1-c)/2 and 1-(1-c)/2 quantiles of
 * those B values as the interval (c = confidence). The quantiles of the bootstrap distribution use
 * the same definition as every other quantile in pathbench (`quantileSorted`: linear
 * interpolation, numpy's default). `estimate` is the statistic on the original sample.
 *
 * Reproducibility: all randomness comes from a `SeededStream(seed, stream)` — never Math.random —
 * so the same samples, seed, stream and options always give the identical interval. Give every
 * interval its own stream name (e.g. `bootstrap:${target}:${key}:p95`) so intervals are independent.
 *
 * How each resample is drawn (the cost must not grow with n: a 1,000,000-sample run has groups
 * of 333,000, and 1000 resamples of index draws would be ~10⁹ draws per statistic):
 * - `bootstrapCI` (any statistic; the reference): n index draws per resample.
 * - quantiles and medians (`percentileCI`, ratio/difference of medians): the resample's two order
 *   statistics that the quantile interpolates between are drawn from their exact joint
 *   distribution (order-statistic-resampler.ts) — the same bootstrap distribution, other random
 *   numbers, O(1) per resample.
 * - QPS (`qpsCI`): n index draws up to QPS_MONTE_CARLO_MAX_N samples; above, the percentiles of
 *   the bootstrap distribution of the mean come from its exact first three moments
 *   (Cornish–Fisher, mean-bootstrap.ts) — an approximation, stated in `method`.
 * test/unit/order-statistic-bootstrap.test.ts compares both fast paths with `bootstrapCI`.
 *
 * Notes:
 * - The percentile interval usually, but not necessarily, contains the estimate (it can miss it
 *   for strongly skewed statistics or tiny samples); nothing here forces it to.
 * - For quantiles the bootstrap distribution is discrete (it only takes values between order
 *   statistics), so for small n the interval is coarse; it is a statement about sampling
 *   variability between repeated runs of the same setup, not about systematic error.
 * - Empty samples give NaN estimate/low/high. If any resample's statistic is NaN, low and high are
 *   NaN (an interval built from partly undefined values would be misleading).
 */

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;

export interface BootstrapOptions {
  /** Run seed (any number; hashed with `stream` into the generator's seed). */
  seed: number;
  /** Name of this interval's random stream. */
  stream: string;
  /** Number of bootstrap resamples B (integer ≥ 1); default 1000. */
  resamples?: number;
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number;
}

export interface BootstrapCI {
  /** The statistic on the original sample. */
  estimate: number;
  low: number;
  high: number;
  /** Number of resamples B that were drawn. */
  resamples: number;
  /** The method in words, for reports. */
  method: string;
}

export type Samples = Float64Array | readonly number[];

interface Resolved {
  seed: number;
  stream: string;
  resamples: number;
  confidence: number;
}

function resolve(opts: BootstrapOptions): Resolved {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`bootstrap: resamples must be an integer >= 1, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrap: confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`bootstrap: seed must be a finite number, got ${opts.seed}`);
  return { seed: opts.seed, stream: opts.stream, resamples, confidence };
}

function percentText(confidence: number): string {
  return `${Number((confidence * 100).toFixed(6))}%`;
}

function describe(o: Resolved, what?: string): string {
  const of = what ? ` of ${what}` : '';
  return `percentile bootstrap${of}, ${percentText(o.confidence)} interval, ${o.resamples} resamples, seeded`;
}

/** Sorts the bootstrap distribution in place and reads the two percentile bounds from it. */
function percentileInterval(stats: Float64Array, confidence: number): { low: number; high: number } {
  for (let i = 0; i < stats.length; i++) if (Number.isNaN(stats[i]!)) return { low: Number.NaN, high: Number.NaN };
  stats.sort();
  const tail = (1 - confidence) / 2;
  return { low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail) };
}

/** Fills `out` with a resample (with replacement) of `samples`. */
function resampleInto(out: Float64Array, samples: Samples, rng: SeededStream): void {
  const n = samples.length;
  for (let i = 0; i < out.length; i++) out[i] = samples[Math.floor(rng.unit() * n)]!;
}

function nanResult(o: Resolved, what?: string): BootstrapCI {
  return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, resamples: o.resamples, method: describe(o, what) };
}

function run(samples: Samples, statistic: (resample: Float64Array) => number, o: Resolved, what?: string): BootstrapCI {
  const n = samples.length;
  if (n === 0) return nanResult(o, what);
  const estimate = statistic(Float64Array.from(samples));
  const rng = new SeededStream(o.seed, o.stream);
  const buf = new Float64Array(n);
  const stats = new Float64Array(o.resamples);
  for (let b = 0; b < o.resamples; b++) {
    resampleInto(buf, samples, rng);
    stats[b] = statistic(buf);
  }
  return { estimate, ...percentileInterval(stats, o.confidence), resamples: o.resamples, method: describe(o, what) };
}

/**
 * Percentile bootstrap CI of `statistic` over `samples`.
 *
 * `statistic` receives a scratch buffer that is reused for every resample: it may reorder it
 * (e.g. sort in place) but must not keep a reference to it. It is also called once on a copy of
 * the original samples for the estimate; `samples` itself is never modified.
 */
export function bootstrapCI(samples: Samples, statistic: (resample: Float64Array) => number, opts: BootstrapOptions): BootstrapCI {
  return run(samples, statistic, resolve(opts));
}

/**
 * CI of the p-quantile (p in [0, 1], e.g. 0.95 for p95) of latencies in ms. Each resample's
 * quantile is drawn directly from its exact distribution (OrderStatisticResampler: the two order
 * statistics it interpolates between, via Beta variates), so the cost does not grow with n; the
 * interval is that of `bootstrapCI` with a sort-then-`quantileSorted` statistic up to Monte
 * Carlo noise (other random numbers, same distribution).
 */
export function percentileCI(samplesMs: Samples, p: number, opts: BootstrapOptions): BootstrapCI {
  const o = resolve(opts);
  const what = `the ${Number((p * 100).toFixed(6))}th percentile`;
  if (samplesMs.length === 0) return nanResult(o, what);
  const rs = new OrderStatisticResampler(samplesMs, new SeededStream(o.seed, o.stream));
  const estimate = rs.estimate(p);
  const stats = new Float64Array(o.resamples);
  for (let b = 0; b < o.resamples; b++) stats[b] = rs.quantile(p);
  return { estimate, ...percentileInterval(stats, o.confidence), resamples: o.resamples, method: describe(o, what) };
}

/** QPS as in latency-summary: n ÷ (sum of latencies in s); Infinity if the sum is 0. */
function qpsOf(samplesMs: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < samplesMs.length; i++) sum += samplesMs[i]!;
  return samplesMs.length / (sum / 1000);
}

/**
 * Above this many samples the QPS interval is read from the bootstrap distribution's moments
 * (mean-bootstrap.ts) instead of Monte Carlo resampling, whose cost is resamples × n draws.
 */
export const QPS_MONTE_CARLO_MAX_N = 10_000;

/**
 * CI of QPS = n / (Σ ms / 1000), the throughput of one client that never pauses (the `qps` of the
 * aggregates). The estimate is that closed form on the original samples; NaN (not Infinity) when
 * there are no samples or their sum is not positive, as latency-summary stores null then.
 * Up to QPS_MONTE_CARLO_MAX_N samples: the seeded Monte Carlo percentile bootstrap. Above: QPS is
 * 1000 / mean, a decreasing function of the mean, so its percentile interval is 1000 / the mean's
 * (upper, lower) bootstrap percentiles, taken from their Cornish–Fisher approximation.
 */
export function qpsCI(samplesMs: Samples, opts: BootstrapOptions): BootstrapCI {
  const o = resolve(opts);
  let sum = 0;
  for (let i = 0; i < samplesMs.length; i++) sum += samplesMs[i]!;
  if (samplesMs.length === 0 || !(sum > 0)) return nanResult(o, 'QPS');
  if (samplesMs.length <= QPS_MONTE_CARLO_MAX_N) return run(samplesMs, qpsOf, o, 'QPS');
  const tail = (1 - o.confidence) / 2;
  const [meanLow, meanHigh] = meanBootstrapQuantiles(samplesMs, [tail, 1 - tail]) as [number, number];
  const method = `percentile bootstrap of QPS, ${percentText(o.confidence)} interval, from the Cornish–Fisher approximation of the bootstrap distribution of the mean (n = ${samplesMs.length} > ${QPS_MONTE_CARLO_MAX_N})`;
  return { estimate: samplesMs.length / (sum / 1000), low: 1000 / meanHigh, high: 1000 / meanLow, resamples: o.resamples, method };
}

/**
 * CI of median(a) / median(b) (e.g. a target's median latency relative to a baseline's: 1.2 = a
 * is 20 % slower). a and b are resampled independently, each from its own stream derived from
 * `opts.stream` (`${stream}/a`, `${stream}/b`), so a's resamples do not depend on b's size.
 * NaN everywhere if either sample is empty; a resample with median(b) = 0 gives ±Infinity or NaN.
 */
export function ratioOfMediansCI(a: Samples, b: Samples, opts: BootstrapOptions): BootstrapCI {
  return twoSampleMedians(a, b, opts, (ma, mb) => ma / mb, 'median(a)/median(b), a and b resampled independently');
}

/** median(a) − median(b) (e.g. gateway minus native latency), a and b resampled independently. */
export function diffOfMediansCI(a: Samples, b: Samples, opts: BootstrapOptions): BootstrapCI {
  return twoSampleMedians(a, b, opts, (ma, mb) => ma - mb, 'median(a) − median(b), a and b resampled independently');
}

function twoSampleMedians(a: Samples, b: Samples, opts: BootstrapOptions, combine: (ma: number, mb: number) => number, what: string): BootstrapCI {
  const o = resolve(opts);
  if (a.length === 0 || b.length === 0) return nanResult(o, what);
  const ra = new OrderStatisticResampler(a, new SeededStream(o.seed, `${o.stream}/a`));
  const rb = new OrderStatisticResampler(b, new SeededStream(o.seed, `${o.stream}/b`));
  const estimate = combine(ra.estimate(0.5), rb.estimate(0.5));
  const stats = new Float64Array(o.resamples);
  for (let k = 0; k < o.resamples; k++) stats[k] = combine(ra.quantile(0.5), rb.quantile(0.5));
  return { estimate, ...percentileInterval(stats, o.confidence), resamples: o.resamples, method: describe(o, what) };
}

/** The two per-query summaries of a scope of several queries (scopeOfMediansCI). */
export interface ScopeCI {
  /** Geometric mean over the queries of median(a_q) / median(b_q). */
  ratio: BootstrapCI;
  /** Arithmetic mean over the queries of median(a_q) − median(b_q) (ms when the samples are). */
  diff: BootstrapCI;
}

/**
 * A comparison of two targets over a scope of several queries (a category, all queries) made
 * query by query: the geometric mean of the queries' median ratios a/b, and the mean of their
 * median differences a − b, each with a percentile-bootstrap CI. Every query's a and b are
 * resampled independently (streams `${stream}/${i}/a` and `/b`, i = the query's position), the
 * same order-statistic draw as ratioOfMediansCI, and each resample combines the queries' resampled
 * medians (a stratified bootstrap: each query keeps its own sample size).
 *
 * Why not the median of the scope's pooled latencies: a scope mixes queries of very different
 * latencies, and the pooled median falls in the gap between them or on one query alone. Measured
 * on a fresh `make all` (config/embedded.yaml): pglite-wire ÷ pglite was ×1.14 [1.03, 1.31] on join
 * and ×1.05 [1.03, 1.09] on vector_filter, yet the pooled complex_join median gave ×1.15 [0.90,
 * 1.42], "not significant"; on vector_similarity the pooled median was the ~94 ms exact scan's
 * (×1.01), while the index kNN query ran ×1.08 [1.03, 1.12]. The geometric mean is benchstat's
 * summary over benchmarks, and gives every query the same weight whatever its latency.
 * NaN everywhere when `pairs` is empty or any sample is.
 */
export function scopeOfMediansCI(pairs: readonly { a: Samples; b: Samples }[], opts: BootstrapOptions): ScopeCI {
  const o = resolve(opts);
  const whatRatio = 'the geometric mean over queries of median(a)/median(b), each query\'s a and b resampled independently';
  const whatDiff = 'the mean over queries of median(a) − median(b), each query\'s a and b resampled independently';
  if (pairs.length === 0 || pairs.some((p) => p.a.length === 0 || p.b.length === 0)) return { ratio: nanResult(o, whatRatio), diff: nanResult(o, whatDiff) };
  const rs = pairs.map((p, i) => ({
    a: new OrderStatisticResampler(p.a, new SeededStream(o.seed, `${o.stream}/${i}/a`)),
    b: new OrderStatisticResampler(p.b, new SeededStream(o.seed, `${o.stream}/${i}/b`)),
  }));
  const n = rs.length;
  const combine = (ma: Float64Array, mb: Float64Array) => {
    let logSum = 0;
    let diffSum = 0;
    for (let i = 0; i < n; i++) {
      logSum += Math.log(ma[i]! / mb[i]!);
      diffSum += ma[i]! - mb[i]!;
    }
    return { ratio: Math.exp(logSum / n), diff: diffSum / n };
  };
  const ma = new Float64Array(n);
  const mb = new Float64Array(n);
  for (let i = 0; i < n; i++) (ma[i] = rs[i]!.a.estimate(0.5), mb[i] = rs[i]!.b.estimate(0.5));
  const estimate = combine(ma, mb);
  const ratios = new Float64Array(o.resamples);
  const diffs = new Float64Array(o.resamples);
  for (let k = 0; k < o.resamples; k++) {
    for (let i = 0; i < n; i++) (ma[i] = rs[i]!.a.quantile(0.5), mb[i] = rs[i]!.b.quantile(0.5));
    const c = combine(ma, mb);
    ratios[k] = c.ratio;
    diffs[k] = c.diff;
  }
  return {
    ratio: { estimate: estimate.ratio, ...percentileInterval(ratios, o.confidence), resamples: o.resamples, method: describe(o, whatRatio) },
    diff: { estimate: estimate.diff, ...percentileInterval(diffs, o.confidence), resamples: o.resamples, method: describe(o, whatDiff) },
  };
}

/** One query's pairs for pairedScopeCI, split by which path ran first (one or two orders). */
export interface PairedQuery {
  strata: readonly { ratios: Samples; diffs: Samples }[];
}

/**
 * A comparison of two targets from their per-iteration pairs (lib/stats/paired-by-iteration.ts),
 * over one query or a scope of several. For each query, within each order of the two requests (a
 * first, b first): the median of the pairs' ratios a/b and of their differences a − b; the query's
 * figures are the geometric mean of its orders' median ratios and the mean of their median
 * differences (one order: its medians). Over the queries: the geometric mean of those ratios and
 * the arithmetic mean of those differences. Each with a percentile-bootstrap CI that resamples
 * every order of every query on its own (a paired, stratified bootstrap); a resample's median is
 * drawn with the same order-statistic draw as percentileCI, from the stratum's ratios (stream
 * `${stream}/${i}/${s}/ratio`, i the query, s the order) and differences (`…/diff`) — the marginal
 * bootstrap distribution of each median, which is all an interval of that median needs.
 *
 * Why pairs: the two paths ran each iteration's parameters back to back (interleaved schedule), so
 * a change of the machine's speed during the run moves both requests of a pair and cancels in its
 * ratio, while medians of the two paths' samples taken apart keep it. Measured on a fresh `make
 * all` whose machine ran at half speed through half of the phase (config/embedded.yaml; noted in
 * docs/statistics.md): pglite-wire ÷ pglite on vector_inner_product ×1.30 [0.64, 1.58] from the
 * independent medians, ×1.007 [1.005, 1.009] from the pairs.
 * Why by order: the request that runs second can be faster (the first warmed what they share), and
 * the schedule alternates who goes first; within one order that effect is constant, and averaging
 * the two orders cancels it when it is the same for both paths — the analysis of a two-period
 * crossover. Pooling the orders instead put the median between two modes: join's pairs ran ×1.25
 * one way and ×0.56 the other, and their pooled median's CI was [0.60, 1.17].
 * NaN everywhere when `queries` is empty or any query has no pair.
 */
export function pairedScopeCI(queries: readonly PairedQuery[], opts: BootstrapOptions): ScopeCI {
  const o = resolve(opts);
  const one = queries.length === 1;
  const whatRatio = one
    ? 'the geometric mean over the two orders of the median per-iteration ratio a/b, each order\'s pairs resampled'
    : 'the geometric mean over queries (and over the two orders within each) of the median per-iteration ratio a/b, each order\'s pairs resampled';
  const whatDiff = one
    ? 'the mean over the two orders of the median per-iteration difference a − b, each order\'s pairs resampled'
    : 'the mean over queries (and over the two orders within each) of the median per-iteration difference a − b, each order\'s pairs resampled';
  if (queries.length === 0 || queries.some((q) => q.strata.length === 0 || q.strata.some((s) => s.ratios.length === 0 || s.diffs.length === 0))) {
    return { ratio: nanResult(o, whatRatio), diff: nanResult(o, whatDiff) };
  }
  const rs = queries.map((q, i) =>
    q.strata.map((s, k) => ({
      ratio: new OrderStatisticResampler(s.ratios, new SeededStream(o.seed, `${o.stream}/${i}/${k}/ratio`)),
      diff: new OrderStatisticResampler(s.diffs, new SeededStream(o.seed, `${o.stream}/${i}/${k}/diff`)),
    })),
  );
  const n = rs.length;
  const draw = (pick: (r: OrderStatisticResampler) => number) => {
    let logSum = 0;
    let diffSum = 0;
    for (const strata of rs) {
      let ql = 0;
      let qd = 0;
      for (const r of strata) {
        ql += Math.log(pick(r.ratio));
        qd += pick(r.diff);
      }
      logSum += ql / strata.length;
      diffSum += qd / strata.length;
    }
    return { ratio: Math.exp(logSum / n), diff: diffSum / n };
  };
  const estimate = draw((r) => r.estimate(0.5));
  const ratios = new Float64Array(o.resamples);
  const diffs = new Float64Array(o.resamples);
  for (let k = 0; k < o.resamples; k++) {
    const c = draw((r) => r.quantile(0.5));
    ratios[k] = c.ratio;
    diffs[k] = c.diff;
  }
  return {
    ratio: { estimate: estimate.ratio, ...percentileInterval(ratios, o.confidence), resamples: o.resamples, method: describe(o, whatRatio) },
    diff: { estimate: estimate.diff, ...percentileInterval(diffs, o.confidence), resamples: o.resamples, method: describe(o, whatDiff) },
  };
}

/**
 * The order effect of one query's pairs: √(median ratio a/b when a ran first ÷ median ratio when b
 * ran first), with its percentile-bootstrap CI (each order resampled on its own). If running first
 * costs a factor π on either path, the first order's ratio is d·π and the second's d/π, so this is
 * π: > 1 when the second request of an iteration is faster. NaN unless both orders have pairs.
 */
export function orderEffectCI(aFirst: Samples, bFirst: Samples, opts: BootstrapOptions): BootstrapCI {
  return twoSampleMedians(aFirst, bFirst, opts, (x, y) => Math.sqrt(x / y), '√(median ratio a/b with a first ÷ with b first), each order\'s pairs resampled');
}
