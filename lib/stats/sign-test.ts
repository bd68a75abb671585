/**
 * Exact two-sided sign test of "the median of the paired ratios is 1" (equivalently: a pair is as
 * likely to have a slower than b as faster): with k of the n untied pairs above 1,
 * p = min(1, 2 · P(X ≤ min(k, n − k))), X ~ Binomial(n, ½). Pairs exactly at 1 are ties and are
 * left out (the usual convention). It tests the same quantity the paired comparison estimates (the
 * median of the per-iteration ratios) and assumes nothing about their distribution.
 *
 * The binomial tail is summed in log space (log C(n, i) built up term by term), so it neither
 * underflows (2^-n for n > 1074) nor costs more than O(min(k, n − k)). p is NaN without untied pairs.
 */
export function signTest(ratios: ArrayLike<number>): { above: number; below: number; p: number } {
  let above = 0;
  let below = 0;
  for (let i = 0; i < ratios.length; i++) {
    const r = ratios[i]!;
    if (r > 1) above++;
    else if (r < 1) below++;
  }
  const n = above + below;
  if (n === 0) return { above, below, p: Number.NaN };
  const k = Math.min(above, below);
  // log P(X = i) = log C(n, i) − n log 2; sum i = 0..k with log-sum-exp around the largest term (i = k).
  const logs: number[] = [];
  let logC = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    logs.push(logC - n * Math.LN2);
  }
  const top = logs[logs.length - 1]!;
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - top);
  const tail = Math.exp(top + Math.log(sum));
  return { above, below, p: Math.min(1, 2 * tail) };
}
