import { EF_SEARCH_DEFINITIONS, efLabel, matchedHow, orderedMatched, orderedPoints, planCell } from '../ef-search-report.js';
import { knownNotVectorIndex } from '../../targets/plan-access.js';
import type { ReportData } from '../report-data.js';
import { esc } from './escape.js';

/** The ef_search sweep section: the points and the figures at matched recall, as in table.txt; every value escaped. */
const NA = '<span class="muted">n/a</span>';
const f3 = (x: number | null) => (x === null ? NA : esc(x.toFixed(3)));
const f1 = (x: number | null) => (x === null ? NA : esc(x.toFixed(1)));
const table = (head: string[], rows: string[][]) =>
  `<div class="card wide"><table class="results"><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td class="num">${c}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;

export function efSearchSection(d: ReportData): string {
  if (d.efSearch.points.length === 0) return '';
  const code = (s: string) => `<code>${esc(s)}</code>`;
  return `<section id="ef-search">
  <h2>ef_search sweep</h2>
  <p class="footnote">Each point: ${esc(EF_SEARCH_DEFINITIONS.point)} (${esc(d.config.ef_search_requests ?? '?')} requests). Recall@${esc(d.config.k)}: ${esc(EF_SEARCH_DEFINITIONS.recall)}. QPS: ${esc(EF_SEARCH_DEFINITIONS.qps)}. The main measurement ran at hnsw.ef_search = ${esc(d.config.hnsw.ef_search)}.</p>
  ${table(
    ['Target', 'Query', 'ef_search', 'Recall mean', 'Recall min', 'QPS', 'P50 (ms)', 'P99 (ms)', 'Failed', 'Frontier', 'Plan'],
    orderedPoints(d).map((p) => [code(p.target), code(p.query_id), esc(efLabel(p.ef_search)), f3(p.recall_mean), f3(p.recall_min), f1(p.qps), f3(p.p50_ms), f3(p.p99_ms), esc(p.failed), p.on_frontier ? 'yes' : '', knownNotVectorIndex(p) ? `<span class="bad">${esc(planCell(p))}</span>` : esc(planCell(p))]),
  )}
  <p class="footnote">Plan: ${esc(EF_SEARCH_DEFINITIONS.plan)}.</p>
  <h3>At matched recall</h3>
  <p class="footnote">${esc(EF_SEARCH_DEFINITIONS.matched_recall)}.</p>
  ${table(
    ['Query', 'Recall', 'Target', 'QPS', 'P99 (ms)', 'How'],
    orderedMatched(d).map((m) => [code(m.query_id), esc(m.recall_level.toFixed(2)), code(m.target), f1(m.qps), f3(m.p99_ms), esc(matchedHow(m))]),
  )}
  ${d.efSearch.points.some((p) => p.ef_tunable === 0) ? `<p class="footnote">${esc(EF_SEARCH_DEFINITIONS.not_tunable)}.</p>` : ''}
</section>`;
}
