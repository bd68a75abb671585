import { describe, expect, it } from 'vitest';
import type { AggregateRow, ComparisonRow, OverheadRow } from '../../lib/store/aggregates.js';
import type { VerificationRow, VerificationSummaryRow } from '../../lib/store/verifications.js';
import type { ReportData } from '../../lib/render/report-data.js';
import { theAnswer, theAnswerTableLines } from '../../lib/render/the-answer.js';
import { notComparableText, recallGap } from '../../lib/render/comparability.js';
import { tableText } from '../../lib/render/table.js';
import { pairedVerdictCounts } from '../../lib/render/paired-comparisons.js';
import { LOW_RECALL, summarizeVerifications } from '../../lib/verify/summary.js';

const agg = (target: string, level: AggregateRow['level'], key: string, p50: number, lo: number, hi: number) =>
  ({ run_id: 'r', target, level, key, category: null, count: 100, failed: 0, mean_ms: p50, p50_ms: p50, p95_ms: p50, p99_ms: p50, min_ms: p50, max_ms: p50, qps: 1000 / p50, qps_wall: null, p50_low: lo, p50_high: hi }) as unknown as AggregateRow;
const cmp = (key: string, a: string, b: string, ratio: number, lo: number, hi: number, p: number): ComparisonRow => ({
  run_id: 'r', level: key === 'all' ? 'overall' : 'category', key, target_a: a, target_b: b, p50_ratio: ratio, ratio_low: lo, ratio_high: hi, mw_u: 1, mw_p: p,
  verdict: p > 0.05 ? 'no significant difference' : ratio > 1 ? `${b} faster` : `${a} faster`,
});
const ovh = (key: string, ms: number, lo: number, hi: number): OverheadRow => ({ run_id: 'r', gateway: 'pglite-wire', native: 'pglite', key, overhead_ms: ms, low_ms: lo, high_ms: hi, budget_ms: 5, verdict: 'within budget' });
const ver = (target: string, query_id: string, mean: number, verdict = 'ok'): VerificationSummaryRow => ({ run_id: 'r', target, query_id, checked: 20, errors: 0, mismatches: 0, mean_recall: mean, min_recall: mean, verdict });

function data(over: Partial<ReportData> = {}, config: Record<string, unknown> = { min_recall: 0.9, max_recall_gap: 0.05 }): ReportData {
  return {
    run: { run_id: 'r', targets_json: JSON.stringify(['pglite', 'pglite-wire']), created_at: 'now', profile: 'test', dataset_id: 'ds', wall_ns: 1e9, status: 'complete', below_production_scale: 0 },
    config: { k: 5, dataset_size: 100, vector_dims: 8, seed: 1, iterations: 10, warmup: 1, hnsw: { ef_search: 40 }, vector_param_format: 'binary', ...config },
    aggregates: [agg('pglite', 'category', 'simple', 1.0, 0.98, 1.02), agg('pglite-wire', 'category', 'simple', 1.06, 1.03, 1.11)],
    spectrum: [], fingerprints: [], environment: {}, noise: [], sweep: [], efSearch: { points: [], matched: [] }, warmupRequests: 0,
    comparisons: [cmp('simple', 'pglite', 'pglite-wire', 1 / 1.06, 1 / 1.1, 1 / 1.03, 0.001)],
    overhead: [ovh('simple', 0.06, 0.03, 0.11)],
    verification: [],
    ...over,
  } as unknown as ReportData;
}

describe('The answer: wording rules', () => {
  it('a significant gateway difference: ms with its CI, the percentage re-oriented gateway/native, "significant"', () => {
    const lines = theAnswer(data());
    expect(lines.map((l) => `${l.scope}: ${l.text}`)).toEqual([
      'simple queries: fastest: pglite, p50 1.000 ms [0.980, 1.020]',
      'simple queries: pglite-wire is 0.060 ms [0.030, 0.110] slower than pglite per query (+6% [+3%, +10%]), significant',
    ]);
  });

  it('"not significant" when Mann–Whitney finds no difference, even with a positive estimate', () => {
    const d = data({ comparisons: [cmp('simple', 'pglite', 'pglite-wire', 0.99, 0.9, 1.05, 0.4)], overhead: [ovh('simple', 0.01, -0.02, 0.04)] });
    expect(theAnswer(d)[1]!.text).toMatch(/^pglite-wire is 0\.010 ms \[-0\.020, 0\.040\] slower than pglite per query \(\+1% .*\), not significant$/);
  });

  it('a faster gateway says faster, with the interval turned into a positive saving', () => {
    const d = data({ overhead: [ovh('simple', -0.05, -0.08, -0.02)], comparisons: [cmp('simple', 'pglite', 'pglite-wire', 1.05, 1.02, 1.09, 0.01)] });
    expect(theAnswer(d)[1]!.text).toMatch(/^pglite-wire is 0\.050 ms \[0\.020, 0\.080\] faster than pglite per query \(−5% /);
  });

  it('"NOT COMPARABLE" replaces the significance when recall differs by more than max_recall_gap in the scope', () => {
    const aggs = [agg('pglite', 'category', 'vector_similarity', 2, 1.9, 2.1), agg('pglite-wire', 'category', 'vector_similarity', 1.5, 1.4, 1.6)];
    const d = data({
      aggregates: aggs,
      comparisons: [cmp('vector_similarity', 'pglite', 'pglite-wire', 1.33, 1.2, 1.4, 0.001)],
      overhead: [ovh('vector_similarity', -0.5, -0.6, -0.4)],
      verification: [ver('pglite', 'vector_cosine', 0.99), ver('pglite-wire', 'vector_cosine', 0.8, LOW_RECALL)],
    });
    const text = theAnswer(d)[1]!.text;
    expect(text).toMatch(/NOT COMPARABLE: vector_cosine recall@5 0\.800 \(pglite-wire\) vs 0\.990 \(pglite\)$/);
    expect(text).not.toMatch(/significant/);
    // and LOW RECALL inline after the path that has it
    expect(text).toMatch(/^pglite-wire \(LOW RECALL on vector_cosine\) is 0\.500 ms/);
    expect(notComparableText(d, 'pglite', 'pglite-wire', 'overall', 'all')).toMatch(/NOT COMPARABLE/);
    // a gap at the limit is comparable
    const atLimit = data({ verification: [ver('pglite', 'vector_cosine', 0.95), ver('pglite-wire', 'vector_cosine', 0.9)] });
    expect(recallGap(atLimit, 'pglite', 'pglite-wire', 'category', 'vector_similarity')).toBeNull();
    // the simple category holds no kNN query: never flagged by a kNN gap
    expect(notComparableText(d, 'pglite', 'pglite-wire', 'category', 'simple')).toBeNull();
  });

  it('a pair without a gateway row is worded from the p50 ratio', () => {
    const d = data({ overhead: [], run: { run_id: 'r', targets_json: JSON.stringify(['postgres', 'pglite']), created_at: 'now', profile: 't', dataset_id: 'ds', wall_ns: 1, status: 'complete', below_production_scale: 0 } as never,
      aggregates: [agg('postgres', 'category', 'simple', 0.5, 0.45, 0.55), agg('pglite', 'category', 'simple', 1, 0.9, 1.1)],
      comparisons: [cmp('simple', 'pglite', 'postgres', 2, 1.8, 2.2, 0.001)] });
    expect(theAnswer(d).map((l) => l.text)).toEqual(['fastest: postgres, p50 0.500 ms [0.450, 0.550]', 'postgres is −50% [−55%, −44%] faster than pglite at p50, significant']);
  });

  describe('a scope of several queries, compared query by query', () => {
    // The case measured on a fresh `make all`: join ×1.14 and vector_filter ×1.05 (pglite-wire ÷ pglite), both
    // significant, while the pooled complex_join median gave ×1.15 [0.90, 1.42], "not significant".
    const scoped = (g: number, gl: number, gh: number, dm: number, dl: number, dh: number, p = 0.0004): ComparisonRow => ({
      ...cmp('complex_join', 'pglite', 'pglite-wire', 0.866, 0.703, 1.117, p),
      scope_queries: 2, geomean_ratio: g, geomean_low: gl, geomean_high: gh, mean_diff_ms: dm, mean_diff_low: dl, mean_diff_high: dh,
    });
    const queryAgg = (target: string, key: string, p50: number, lo: number, hi: number) => ({ ...agg(target, 'query', key, p50, lo, hi), category: 'complex_join' }) as AggregateRow;
    const aggs = [
      agg('pglite', 'category', 'complex_join', 1.46, 1.254, 1.785), agg('pglite-wire', 'category', 'complex_join', 1.686, 1.531, 1.891),
      queryAgg('pglite', 'join', 1.013, 0.946, 1.078), queryAgg('pglite', 'vector_filter', 2.13, 2.09, 2.171),
      queryAgg('pglite-wire', 'join', 1.155, 1.079, 1.269), queryAgg('pglite-wire', 'vector_filter', 2.238, 2.199, 2.298),
    ];
    const scopedData = (c: ComparisonRow) => data({ aggregates: aggs, comparisons: [c], overhead: [ovh('complex_join', 0.226, -0.188, 0.58)] });

    it('leads with the geometric mean of the queries\' p50 ratios, re-oriented gateway/native, then the mean difference signed', () => {
      // stored pglite / pglite-wire: geometric mean 0.914 [0.847, 0.964], mean difference −0.125 ms [−0.217, −0.062]
      expect(theAnswer(scopedData(scoped(0.914, 0.847, 0.964, -0.125, -0.217, -0.062))).map((l) => l.text)).toEqual([
        'fastest: pglite (ahead of every other path query by query, over its 2 queries; p50 by query: join 1.013 ms [0.946, 1.078], vector_filter 2.130 ms [2.090, 2.171])',
        'pglite-wire is +9% [+4%, +18%] slower than pglite at p50 (geometric mean over its 2 queries; +0.125 ms [+0.062, +0.217] per query on average), significant',
      ]);
    });

    it('judges significance on the geometric mean\'s CI, not on the pooled Mann–Whitney test', () => {
      // CI excludes 1 while the pooled test finds nothing (p 0.10): significant.
      expect(theAnswer(scopedData(scoped(0.973, 0.961, 0.989, -0.204, -0.589, 0.122, 0.101)))[1]!.text)
        .toBe('pglite-wire is +3% [+1%, +4%] slower than pglite at p50 (geometric mean over its 2 queries; +0.204 ms [−0.122, +0.589] per query on average), significant');
      // CI includes 1 while the pooled test says p < 0.001: not significant.
      expect(theAnswer(scopedData(scoped(0.98, 0.95, 1.01, -0.02, -0.05, 0.01, 0.0001)))[1]!.text).toMatch(/^pglite-wire is \+2% \[−1%, \+5%\] slower .*, not significant$/);
    });

    it('a pair without a gateway row says how it was compared, and old rows keep the pooled wording', () => {
      const d = data({ overhead: [], aggregates: aggs, comparisons: [scoped(0.914, 0.847, 0.964, -0.125, -0.217, -0.062)] });
      expect(theAnswer(d)[1]!.text).toBe('pglite is −9% [−15%, −4%] faster than pglite-wire at p50 (geometric mean over its 2 queries), significant');
      // A row aggregated before (no per-query columns): the pooled figures, as before.
      expect(theAnswer(scopedData(cmp('complex_join', 'pglite', 'pglite-wire', 0.866, 0.703, 1.117, 0.0004)))[1]!.text)
        .toBe('pglite-wire is 0.226 ms [-0.188, 0.580] slower than pglite per query (+15% [−10%, +42%]), not significant');
    });

    it('never names as fastest a path the per-query figures put behind', () => {
      // pooled p50s say pglite-wire (1.2 < 1.46), the per-query comparison says pglite is ahead
      const flipped = data({ aggregates: [...aggs.slice(2), agg('pglite', 'category', 'complex_join', 1.46, 1.3, 1.6), agg('pglite-wire', 'category', 'complex_join', 1.2, 1.1, 1.3)],
        comparisons: [scoped(0.914, 0.847, 0.964, -0.125, -0.217, -0.062)], overhead: [] });
      expect(theAnswer(flipped)[0]!.text).toMatch(/^fastest: pglite \(ahead of every other path/);
    });
  });

  describe('comparisons from per-iteration pairs', () => {
    // The case measured on a fresh `make all` with the machine at half speed through half the phase:
    // pglite-wire ÷ pglite ×1.30 [0.64, 1.58] from the medians taken apart, ×1.007 [1.005, 1.009] paired.
    const pairedRow = (r: number, lo: number, hi: number, dm: number, dl: number, dh: number, extra: Partial<ComparisonRow> = {}): ComparisonRow => ({
      ...cmp('simple', 'pglite', 'pglite-wire', 1 / 1.3, 1 / 1.58, 1 / 0.64, 0.3),
      pairs: 200, paired_ratio: r, paired_low: lo, paired_high: hi, paired_diff_ms: dm, paired_diff_low: dl, paired_diff_high: dh, ...extra,
    });
    const pairedOvh = (ms: number, lo: number, hi: number): OverheadRow => ({ ...ovh('simple', 0.3, -0.4, 0.9), paired_ms: ms, paired_low_ms: lo, paired_high_ms: hi });

    it('judges on the paired ratio\'s CI, takes the ms figure from the overhead row\'s paired one, and says "paired"', () => {
      // stored pglite / pglite-wire: 1 / 1.007 [1 / 1.009, 1 / 1.005]
      const d = data({ comparisons: [pairedRow(1 / 1.007, 1 / 1.009, 1 / 1.005, -0.004, -0.005, -0.003)], overhead: [pairedOvh(0.004, 0.003, 0.005)] });
      expect(theAnswer(d)[1]!.text).toBe('pglite-wire is 0.004 ms [0.003, 0.005] slower than pglite per query (+0.7% [+0.5%, +0.9%], paired), significant');
      // The same medians taken apart (×1.30 [0.64, 1.58], p 0.3) would have said "not significant": the pairs decide.
      const spans = data({ comparisons: [pairedRow(1 / 1.02, 1 / 1.05, 1 / 0.99, -0.01, -0.02, 0.005, { mw_p: 0.0001, verdict: 'pglite faster', ratio_low: 1 / 1.1, ratio_high: 1 / 1.03 })], overhead: [pairedOvh(0.01, -0.005, 0.02)] });
      expect(theAnswer(spans)[1]!.text).toBe('pglite-wire is 0.010 ms [-0.005, 0.020] slower than pglite per query (+2% [−1%, +5%], paired), not significant');
    });

    it('a pair without a gateway row drops "at p50"; a scope says the geometric mean is of paired medians; the heading and note say how', () => {
      const d = data({ overhead: [], comparisons: [pairedRow(1 / 1.1, 1 / 1.12, 1 / 1.08, -0.1, -0.12, -0.08)] });
      expect(theAnswer(d)[1]!.text).toBe('pglite is −9% [−11%, −7%] faster than pglite-wire (paired), significant');
      const scoped = data({ overhead: [], comparisons: [pairedRow(1 / 1.1, 1 / 1.12, 1 / 1.08, -0.1, -0.12, -0.08, { scope_queries: 3 })] });
      expect(theAnswer(scoped)[1]!.text).toBe('pglite is −9% [−11%, −7%] faster than pglite-wire (geometric mean over its 3 queries, paired), significant');
      const lines = theAnswerTableLines(d);
      expect(lines[1]).toBe('The answer (per request, from paired iterations, 95% CIs; details in the sections below)');
      expect(lines[2]).toMatch(/^ {2}\(paired: in every iteration both paths ran the same parameters back to back/);
      // blocked: the pairs ran a block apart, and the note says so
      const blocked = data({ overhead: [], comparisons: d.comparisons }, { min_recall: 0.9, max_recall_gap: 0.05, schedule: 'blocked' });
      expect(theAnswerTableLines(blocked)[2]).toMatch(/^ {2}\(paired: in every iteration both paths ran the same parameters, but under schedule: blocked a block apart/);
    });

    it('a scope with a gateway row: the percentage from the pairs, the mean difference from the overhead row\'s paired figure', () => {
      const d = data({ comparisons: [pairedRow(1 / 1.1, 1 / 1.12, 1 / 1.08, -0.1, -0.12, -0.08, { scope_queries: 3 })], overhead: [pairedOvh(0.1, 0.081, 0.119)] });
      expect(theAnswer(d)[1]!.text).toBe('pglite-wire is +10% [+8%, +12%] slower than pglite (geometric mean over its 3 queries, paired; +0.100 ms [+0.081, +0.119] per query on average), significant');
    });
  });

  it('opens table.txt, right after the run header', () => {
    const text = tableText(data());
    const lines = text.split('\n');
    const at = lines.indexOf('The answer (p50 per request, 95% CIs; details in the sections below)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(0, at).every((l) => !/^(All queries|Category:|Pairwise|Gateway overhead|Verification)/.test(l))).toBe(true);
    expect(text.indexOf('The answer')).toBeLessThan(text.indexOf('Category: simple'));
  });

  it('runs recorded before the recall rules get no answer (their reports stay as they were)', () => {
    expect(theAnswerTableLines(data({}, {}))).toEqual([]);
  });
});

describe('LOW RECALL verdict', () => {
  const rows = (target: string, recall: number): VerificationRow[] =>
    Array.from({ length: 4 }, (_, i) => ({ run_id: 'r', target, query_id: 'vector_cosine', iteration: i, row_count: 5, result_hash: 'h', recall, error: null }));

  it('is given below min_recall, only to runs that recorded one', () => {
    const r = [...rows('a', 0.85), ...rows('b', 0.95)];
    const v = summarizeVerifications('r', r, ['a', 'b'], 0.9);
    expect(v.map((x) => `${x.target}:${x.verdict}`)).toEqual(['a:LOW RECALL', 'b:ok']);
    expect(summarizeVerifications('r', r, ['a', 'b']).map((x) => x.verdict)).toEqual(['ok', 'ok']);
  });

  it('leaves recall collapse, the stronger verdict, in place', () => {
    const v = summarizeVerifications('r', [...rows('a', 0.2), ...rows('b', 0.95)], ['a', 'b'], 0.9);
    expect(v[0]!.verdict).toBe('recall collapse');
  });
});

describe('The answer: a comparison that moved during the run', () => {
  const flag = (target: string, query_id: string, tail: string, kind = 'drift') => ({
    run_id: 'r', target, query_id, kind, detail: `median 1.200 ms in the first quarter, 1.000 ms in the last (-17%)${tail}`,
  });
  const moved = '; pglite-wire ÷ pglite, paired by iteration: ×1.08 in the first quarter, ×1.30 in the last (+20%): the comparison between them moved too';
  const held = '; pglite-wire ÷ pglite, paired by iteration: ×1.30 in the first quarter, ×1.30 in the last (0%): the comparison between them held';
  const gatewayText = (noise: unknown[]) => theAnswer(data({ noise } as Partial<ReportData>)).map((l) => l.text)[1];

  it('ends the pair\'s line with the queries whose paired comparison moved', () => {
    expect(gatewayText([flag('pglite', 'simple_select_id', moved)])).toBe(
      'pglite-wire is 0.060 ms [0.030, 0.110] slower than pglite per query (+6% [+3%, +10%]), significant; the comparison moved during the run on simple_select_id (noise warnings)',
    );
    // From the other path's flag too (its detail names pglite), and from a machine drift.
    const fromWire = '; pglite ÷ pglite-wire, paired by iteration: ×0.92 in the first quarter, ×0.77 in the last (-17%): the comparison between them moved too';
    expect(gatewayText([flag('pglite-wire', 'simple_count', fromWire, 'machine drift'), flag('pglite', 'simple_select_id', moved)])).toMatch(/; the comparison moved during the run on simple_count, simple_select_id \(noise warnings\)$/);
  });

  it('counts each pair of paths and query once for the UNSTEADY MACHINE line; a "moved" from either flag wins', () => {
    const back = '; pglite ÷ pglite-wire, paired by iteration: ×0.77 in the first quarter, ×0.77 in the last (0%): the comparison between them held';
    const count = (noise: unknown[]) => pairedVerdictCounts(data({ noise } as Partial<ReportData>));
    expect(count([flag('pglite', 'simple_select_id', held), flag('pglite-wire', 'simple_select_id', back)])).toEqual({ held: 1, moved: 0, unclear: 0 });
    expect(count([flag('pglite', 'simple_select_id', moved), flag('pglite-wire', 'simple_select_id', back)])).toEqual({ held: 0, moved: 1, unclear: 0 });
    expect(count([flag('pglite', 'simple_select_id', held), flag('pglite', 'join', moved), flag('pglite', 'join', moved, 'wide interval')])).toEqual({ held: 1, moved: 1, unclear: 0 });
    const spread = '; pglite ÷ pglite-wire, paired by iteration: ×0.90 in the first quarter, ×1.20 in the last (+33%): the comparison between them changed by more than 10% but not significantly (too spread to tell)';
    expect(count([flag('pglite', 'join', held.replace('simple', 'x')), flag('pglite-wire', 'join', spread)])).toEqual({ held: 0, moved: 0, unclear: 1 });
    expect(count([])).toEqual({ held: 0, moved: 0, unclear: 0 });
  });

  it('adds nothing when the comparison held, for a wide interval, or for a query of another category', () => {
    const plain = 'pglite-wire is 0.060 ms [0.030, 0.110] slower than pglite per query (+6% [+3%, +10%]), significant';
    expect(gatewayText([flag('pglite', 'simple_select_id', held)])).toBe(plain);
    expect(gatewayText([flag('pglite', 'simple_select_id', moved, 'wide interval')])).toBe(plain);
    expect(gatewayText([flag('pglite', 'vector_cosine', moved)])).toBe(plain);
    expect(gatewayText([])).toBe(plain);
  });
});
