import { erfc } from './mann-whitney.js';

/**
 * Percentile interval of the bootstrap distribution of a sample mean, for samples too large to
 * resample cheaply (the resample mean needs all n draws: 1000 resamples × 1,000,000 samples are
 * 10⁹ draws). That distribution's first three moments are known exactly:
 *   E[x̄*] = x̄,  Var[x̄*] = m₂/n,  E[(x̄* − x̄)³] = m₃/n²   (mⱼ = (1/n)Σ(xᵢ − x̄)ʲ),
 * so its skewness is γ = m₃ / (m₂^{3/2}·√n). Its α-quantile is read from the one-term
 * Cornish–Fisher expansion x̄ + √(m₂/n)·(z + γ(z² − 1)/6), z = Φ⁻¹(α): the normal approximation
 * corrected for skew, whose error shrinks like 1/n — far below the Monte Carlo error of 1000
 * resamples at the sizes it is used for (test/unit/order-statistic-bootstrap.test.ts compares it
 * with the Monte Carlo bootstrap).
 */
export function meanBootstrapQuantiles(samples: Float64Array | readonly number[], probabilities: readonly number[]): number[] {
  const n = samples.length;
  if (n === 0) return probabilities.map(() => Number.NaN);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += samples[i]!;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i]! - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  if (!(m2 > 0)) return probabilities.map(() => mean);
  const sd = Math.sqrt(m2 / n);
  const gamma = m3 / (m2 ** 1.5 * Math.sqrt(n));
  return probabilities.map((p) => {
    const z = normalQuantile(p);
    return mean + sd * (z + (gamma * (z * z - 1)) / 6);
  });
}

/** Φ⁻¹(p) for p in (0, 1), by bisection on Φ(z) = erfc(−z/√2)/2 to double precision. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (erfc(-mid / Math.SQRT2) / 2 < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
