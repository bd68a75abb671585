import { QPS_MONTE_CARLO_MAX_N } from '../stats/bootstrap.js';

/**
 * How every interval of the report was computed, in one sentence for table.txt, results.json and
 * the HTML report (lib/stats/bootstrap.ts, order-statistic-resampler.ts, mean-bootstrap.ts).
 */
export function ciMethodText(resamples: number): string {
  return (
    `95% percentile bootstrap of the successful latencies, ${resamples} resamples, seeded with the run seed; ` +
    `each resample's percentile is drawn from its exact distribution (the two order statistics it interpolates between); ` +
    `QPS by Monte Carlo resampling up to ${QPS_MONTE_CARLO_MAX_N.toLocaleString('en-US')} samples, above that from the ` +
    `Cornish–Fisher approximation of the bootstrap distribution of the mean`
  );
}
