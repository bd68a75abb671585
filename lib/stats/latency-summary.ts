import type { AggregateRow, SpectrumRow } from '../store/aggregates.js';
import { sampleColumnsOf } from '../store/sample-columns.js';
import type { SampleRow } from '../store/samples.js';
import { summarizeColumns } from './summarize-columns.js';

/**
 * Latency and throughput summaries of one measurement run, from raw samples only.
 *
 * Percentiles: linear interpolation between closest ranks — for n sorted latencies x[0..n-1]
 * and p in [0, 1], h = (n-1)·p and P = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). This is numpy's
 * default (`method='linear'`, Hyndman & Fan type 7), and arquero's op.quantile (with which these
 * figures were first computed; test/helpers/arquero-summary.ts keeps that as the reference).
 * Only successful requests enter latency statistics; failed ones are counted in `failed`.
 *
 * QPS (the original definition): successful requests ÷ sum of their latencies (s) — the rate of
 * one client that never pauses. QPS wall-clock: successful requests ÷ the wall time the target
 * occupied, where each request occupies the time from its start to the next request's start (on
 * any target, since targets are interleaved) — so client-side overhead between requests counts.
 */
export { SPECTRUM_QUANTILES } from './summarize-columns.js';

/** Aggregates and spectrum of rows in memory (see summarize-columns.ts for how; the stage reads columns directly). */
export function summarize(runId: string, samples: readonly SampleRow[]): { aggregates: AggregateRow[]; spectrum: SpectrumRow[] } {
  return summarizeColumns(runId, sampleColumnsOf(samples));
}
