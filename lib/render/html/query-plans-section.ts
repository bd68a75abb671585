import { PLAN_DEFINITION, mainPlanWarnings, queryPlanGrid } from '../query-plans-report.js';
import type { ReportData } from '../report-data.js';
import { esc } from './escape.js';

/** A warning box when a plan contradicts its query (as in table.txt); empty otherwise. */
export function queryPlanWarningsBox(d: ReportData): string {
  const w = mainPlanWarnings(d);
  if (w.length === 0) return '';
  return `<div class="notice bad" role="alert"><strong>${w.length} query plan problem(s):</strong><ul>${w.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`;
}

/** The query plans section: query × target → access method, every value escaped (empty for runs without plans). */
export function queryPlansSection(d: ReportData): string {
  const g = queryPlanGrid(d);
  if (g.rows.length === 0) return '';
  const head = ['Query', ...g.targets].map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = g.rows.map((r) => `<tr><th scope="row"><code>${esc(r.query)}</code></th>${r.cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<section id="query-plans">
  <h2>Query plans</h2>
  <p class="footnote">Main measurement (hnsw.ef_search = ${esc(d.config.hnsw.ef_search)}): ${esc(PLAN_DEFINITION)}.</p>
  <div class="card wide"><table class="results"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>
</section>`;
}
