import { fingerprintSourceText, recallReferenceText } from '../dataset-text.js';
import { ORDER_EFFECT_NOTE, notableOrderEffects, orderEffectText } from '../order-effect.js';
import { byQuery, byQueryVerdict, overheadByQuery, overheadPaired, paired } from '../by-query.js';
import type { AggregateRow } from '../../store/aggregates.js';
import { gcHtml } from '../gc-report.js';
import { driftLoadNote, machineLoadText } from '../../measure/machine-load.js';
import { machineLoadOf, machineSpeedOf } from '../machine-load-report.js';
import { machineSpeedText } from '../../stats/machine-speed.js';
import { leftOutNote, partialNotice, targetOrder, unsupportedInOrder, verificationWarnings, type ReportData } from '../report-data.js';
import { notSupportedText } from '../../store/unsupported-queries.js';
import { ciMethodText } from '../ci-method.js';
import { esc } from './escape.js';
import { notComparableText } from '../comparability.js';

/**
 * The sections that say how far the numbers can be trusted: verification verdicts (with the
 * warnings at the top, impossible to miss), confidence intervals, pairwise comparisons, gateway
 * overhead and noise warnings. Same content as table.txt; every value escaped.
 */
const NA = '<span class="muted">n/a</span>';
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? NA : x.toFixed(3));
const f1 = (x: number | null | undefined) => (x === null || x === undefined ? NA : x.toFixed(1));
const ci = (v: number | null, lo: number | null | undefined, hi: number | null | undefined, f: typeof f3) => `${f(v)} <span class="muted">[${f(lo)}, ${f(hi)}]</span>`;
const table = (head: string[], rows: string[][]) =>
  `<div class="card wide"><table class="results"><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td class="num">${c}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;

/** A flag in red after a verdict ('' when there is none). */
const badFlag = (text: string | null) => (text ? ` <strong class="bad not-comparable">${esc(text)}</strong>` : '');

export function verificationWarningsBox(d: ReportData): string {
  const partial = partialNotice(d) ? `<div class="notice bad" role="alert"><strong>${esc(partialNotice(d))}</strong></div>` : '';
  const w = verificationWarnings(d);
  if (w.length === 0) return partial;
  return partial + `<div class="notice bad" role="alert"><strong>${w.length} verification problem(s) — read before using any number in this report:</strong><ul>${w.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`;
}

/** The queries a path could not run: named with the path's error, and what the figures leave out ('' when none; else starts with a newline). */
export function notSupportedBox(d: ReportData): string {
  const rows = unsupportedInOrder(d);
  if (rows.length === 0) return '';
  return `
<div class="notice" id="not-supported" role="note"><strong>Not supported on this path</strong> (not measured there, compared nowhere):<ul>${rows
    .map((u) => `<li><code>${esc(u.target)}</code> / <code>${esc(u.query_id)}</code>: ${esc(notSupportedText(u))} <span class="muted">(expected: ${esc(u.reason)})</span></li>`)
    .join('')}</ul>${esc(leftOutNote(d))}</div>`;
}

export function verificationSection(d: ReportData): string {
  if (d.verification.length === 0) return '';
  const cls = (v: string) => (v === 'ok' ? 'ok' : 'bad');
  return `<section id="verification">
  <h2>Verification</h2>
  <p class="footnote">Untimed pass: the same parameters on every target; deterministic queries must return the same rows, kNN results are scored by recall@${esc(d.config.k)} against exact ground truth computed from ${esc(fingerprintSourceText(d.config))}${esc(recallReferenceText(d.config))} (hnsw.ef_search = ${esc(d.config.hnsw.ef_search)}).</p>
  ${table(
    ['Query', 'Target', 'Verdict', 'OK', 'Recall mean', 'Recall min'],
    d.verification.map((v) => [`<code>${esc(v.query_id)}</code>`, `<code>${esc(v.target)}</code>`, `<span class="${cls(v.verdict)}">${esc(v.verdict)}</span>`, esc(`${v.checked - v.errors}/${v.checked}`), f3(v.mean_recall), f3(v.min_recall)]),
  )}
</section>`;
}

export function statisticsSection(d: ReportData): string {
  const order = targetOrder(d);
  const rows: AggregateRow[] = order.flatMap((t) => d.aggregates.filter((a) => a.target === t && a.level !== 'query'));
  const parts: string[] = [];
  if (rows.some((a) => a.p50_low !== null && a.p50_low !== undefined)) {
    parts.push(
      `<h3>95% confidence intervals</h3><p class="footnote">${esc(ciMethodText(d.config.bootstrap_resamples ?? 1000))}.</p>`,
      table(
        ['Target', 'Scope', 'P50 (ms)', 'P95 (ms)', 'P99 (ms)', 'QPS'],
        rows.map((a) => [`<code>${esc(a.target)}</code>`, esc(a.key === 'all' ? 'all queries' : a.key), ci(a.p50_ms, a.p50_low, a.p50_high, f3), ci(a.p95_ms, a.p95_low, a.p95_high, f3), ci(a.p99_ms, a.p99_low, a.p99_high, f3), ci(a.qps, a.qps_low, a.qps_high, f1)]),
      ),
    );
  }
  const cmp = d.comparisons.filter((x) => x.level !== 'query');
  if (cmp.length) {
    parts.push(
      '<h3>Pairwise comparisons</h3><p class="footnote">p50 ratio a/b with its 95% CI; two-sided Mann–Whitney U, "no significant difference" when p &gt; 0.05. ' +
        'Query by query (a scope of several queries): the geometric mean of its queries\' p50 ratios a/b with its 95% CI, significant when the CI excludes 1. ' +
        'Paired: from the iterations both paths ran (same parameters, back to back when interleaved), the median per-iteration ratio a/b — a scope\'s geometric mean over its queries — with its 95% CI; the answer judges on it when it is there.</p>',
      table(
        ['Scope', 'a / b', 'p50 ratio', 'p', 'Verdict', 'Query by query', 'Paired (pairs)'],
        cmp.map((x) => {
          const q = byQuery(x);
          const p = paired(x);
          return [esc(x.key === 'all' ? 'all queries' : x.key), `<code>${esc(x.target_a)}</code> / <code>${esc(x.target_b)}</code>`, ci(x.p50_ratio, x.ratio_low, x.ratio_high, f3), x.mw_p === null ? NA : esc(x.mw_p < 0.001 ? '<0.001' : x.mw_p.toFixed(3)), esc(x.verdict) + badFlag(notComparableText(d, x.target_a, x.target_b, x.level, x.key)),
            q ? `${ci(q.ratio, q.low, q.high, f3)} (${q.queries} queries) → ${esc(byQueryVerdict(x, q))}` : NA,
            p ? `${ci(p.ratio, p.low, p.high, f3)} (${p.pairs}) → ${esc(byQueryVerdict(x, p))}` : NA];
        }),
      ),
    );
  }
  const orderEffects = notableOrderEffects(d);
  if (orderEffects.length) {
    parts.push(`<h3>Order effect</h3><p class="footnote">${esc(ORDER_EFFECT_NOTE[0]!.toUpperCase() + ORDER_EFFECT_NOTE.slice(1))}.</p>`, `<ul>${orderEffects.map((e) => `<li>${esc(orderEffectText(e))}</li>`).join('')}</ul>`);
  }
  if (d.overhead.length) {
    parts.push(
      `<h3>Gateway overhead</h3><p class="footnote">median(gateway) − median(native) per request with its 95% CI, against a budget of ${esc(d.overhead[0]!.budget_ms)} ms. Query by query (a scope of several queries): the mean of its queries' p50 differences with its 95% CI. Paired: the median per-iteration difference gateway − native (a scope: the mean over its queries) with its 95% CI; when it is there, the verdict is judged on it.</p>`,
      table(
        ['Pair', 'Scope', 'Overhead (ms)', 'Verdict', 'Query by query (ms)', 'Paired (ms)'],
        d.overhead.map((x) => {
          const q = overheadByQuery(d.comparisons, x);
          const p = overheadPaired(x);
          return [`<code>${esc(x.gateway)}</code> vs <code>${esc(x.native)}</code>`, esc(x.key === 'all' ? 'all queries' : x.key), ci(x.overhead_ms, x.low_ms, x.high_ms, f3), `<span class="${x.verdict === 'over budget' ? 'bad' : x.verdict === 'within budget' ? 'ok' : 'muted'}">${esc(x.verdict)}</span>` + badFlag(notComparableText(d, x.gateway, x.native, x.key === 'all' ? 'overall' : 'category', x.key)),
            q ? `${ci(q.diff, q.low, q.high, f3)} (${q.queries} queries)` : NA, p ? ci(p.diff, p.low, p.high, f3) : NA];
        }),
      ),
    );
  }
  if (d.noise.length) {
    const ml = machineLoadOf(d);
    const note = ml && d.noise.some((n) => n.kind === 'drift') ? driftLoadNote(ml) : null;
    parts.push('<h3>Noise warnings</h3>', `<ul class="warn">${d.noise.map((n) => `<li><code>${esc(n.target)}</code> / <code>${esc(n.query_id)}</code>: ${esc(n.kind)} — ${esc(n.detail)}</li>`).join('')}</ul>`);
    if (ml) parts.push(`<p class="footnote">machine: ${esc(machineLoadText(ml))}${note ? `<br>${esc(note)}` : ''}</p>`);
    const ms = machineSpeedOf(d);
    if (ms) parts.push(`<p class="footnote">machine: ${esc(machineSpeedText(ms))}</p>`);
  }
  const gc = gcHtml(d);
  if (gc) parts.push(gc);
  if (parts.length === 0) return '';
  return `<section id="statistics">\n  <h2>Statistics</h2>\n  ${parts.join('\n  ')}\n</section>`;
}
