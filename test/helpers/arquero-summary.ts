// The aggregate computation as it was before lib/stats/summarize-columns.ts: arquero tables over row
// objects. Kept as the reference the columnar computation must equal bit for bit (test only).
import * as aq from 'arquero';
import type { AggregateLevel, AggregateRow, SpectrumRow } from '../../lib/store/aggregates.js';
import type { SampleRow } from '../../lib/store/samples.js';

const { op } = aq;

/**
 * Latency and throughput summaries of one measurement run, from raw samples only.
 *
 * Percentiles: linear interpolation between closest ranks — for n sorted latencies x[0..n-1]
 * and p in [0, 1], h = (n-1)·p and P = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). This is numpy's
 * default (`method='linear'`, Hyndman & Fan type 7), and arquero's op.quantile.
 * Only successful requests enter latency statistics; failed ones are counted in `failed`.
 *
 * QPS (the original definition): successful requests ÷ sum of their latencies (s) — the rate of
 * one client that never pauses. QPS wall-clock: successful requests ÷ the wall time the target
 * occupied, where each request occupies the time from its start to the next request's start (on
 * any target, since targets are interleaved) — so client-side overhead between requests counts.
 */
const SPECTRUM_QUANTILES = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1] as const;

const rollupSpec = {
  count: op.count(),
  ok_count: (d: { ok: number }) => op.sum(d.ok),
  mean_ms: (d: { ok_ms: number | null }) => op.mean(d.ok_ms),
  p50_ms: (d: { ok_ms: number | null }) => op.quantile(d.ok_ms, 0.5),
  p95_ms: (d: { ok_ms: number | null }) => op.quantile(d.ok_ms, 0.95),
  p99_ms: (d: { ok_ms: number | null }) => op.quantile(d.ok_ms, 0.99),
  min_ms: (d: { ok_ms: number | null }) => op.min(d.ok_ms),
  max_ms: (d: { ok_ms: number | null }) => op.max(d.ok_ms),
  ok_sum_ms: (d: { ok_ms: number | null }) => op.sum(d.ok_ms),
  slot_sum_ns: (d: { slot_ns: number }) => op.sum(d.slot_ns),
};

interface Rolled {
  target: string;
  key: string;
  category: string;
  count: number;
  ok_count: number;
  mean_ms: number | undefined;
  p50_ms: number | undefined;
  p95_ms: number | undefined;
  p99_ms: number | undefined;
  min_ms: number | undefined;
  max_ms: number | undefined;
  ok_sum_ms: number;
  slot_sum_ns: number;
}

const num = (x: number | undefined | null): number | null => (x === undefined || x === null || Number.isNaN(x) ? null : x);

export function arqueroSummarize(runId: string, samples: readonly SampleRow[]): { aggregates: AggregateRow[]; spectrum: SpectrumRow[] } {
  if (samples.length === 0) return { aggregates: [], spectrum: [] };
  const base = aq
    .from(samples as SampleRow[])
    .orderby('start_ns')
    .derive({
      // null (not 0) for failures, so op.quantile/op.mean skip them.
      ok_ms: (d: SampleRow) => (d.ok === 1 ? d.elapsed_ns / 1e6 : null),
      next_start_ns: (d: SampleRow) => op.lead(d.start_ns, 1),
    })
    // The last request of the phase occupies just its own latency (window defaults must be constants).
    .derive({ slot_ns: (d: SampleRow & { next_start_ns?: number }) => (d.next_start_ns == null ? d.elapsed_ns : d.next_start_ns - d.start_ns) });

  const levels: [AggregateLevel, ReturnType<typeof aq.from>][] = [
    ['query', base.derive({ key: (d: SampleRow) => d.query_id })],
    ['category', base.derive({ key: (d: SampleRow) => d.category })],
    ['overall', base.derive({ key: () => 'all', category: () => 'all' })],
  ];
  const aggregates: AggregateRow[] = [];
  for (const [level, table] of levels) {
    const rolled = table.groupby('target', 'key', 'category').rollup(rollupSpec).orderby('target', 'key').objects() as unknown as Rolled[];
    for (const r of rolled) {
      aggregates.push({
        run_id: runId,
        target: r.target,
        level,
        key: r.key,
        category: r.category,
        count: r.count,
        failed: r.count - r.ok_count,
        mean_ms: num(r.mean_ms),
        p50_ms: num(r.p50_ms),
        p95_ms: num(r.p95_ms),
        p99_ms: num(r.p99_ms),
        min_ms: num(r.min_ms),
        max_ms: num(r.max_ms),
        qps: r.ok_count > 0 && r.ok_sum_ms > 0 ? r.ok_count / (r.ok_sum_ms / 1000) : null,
        qps_wall: r.ok_count > 0 && r.slot_sum_ns > 0 ? r.ok_count / (r.slot_sum_ns / 1e9) : null,
      });
    }
  }

  // arquero compiles expressions from their source text, so closures over `q` would not work:
  // the quantile constants are written into the expression strings instead.
  const spectrumSpec = Object.fromEntries(SPECTRUM_QUANTILES.map((q, i) => [`q${i}`, `d => op.quantile(d.ok_ms, ${q})`]));
  const spectrumRows = base
    .groupby('target')
    .rollup(spectrumSpec)
    .objects() as Record<string, number | string>[];
  const spectrum: SpectrumRow[] = [];
  for (const r of spectrumRows) {
    SPECTRUM_QUANTILES.forEach((q, i) => {
      const v = r[`q${i}`];
      if (typeof v === 'number' && !Number.isNaN(v)) spectrum.push({ run_id: runId, target: String(r.target), quantile: q, latency_ms: v });
    });
  }
  return { aggregates, spectrum };
}
