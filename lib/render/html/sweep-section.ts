import { clientColumnsNote, SWEEP_CONNECTION_WAIT_NOTE, clientCells, sweepClientWarnings } from '../level-client-report.js';
import type { ReportData } from '../report-data.js';
import { esc } from './escape.js';
import { capacityHtml } from './client-capacity-html.js';
import { clientCellHtml, clientWarningsHtml } from './level-client-html.js';

const NA = '<span class="muted">n/a</span>';
const f = (x: number | null, digits: number) => (x === null ? NA : esc(x.toFixed(digits)));

/**
 * The concurrency-sweep table (all queries), as in table.txt, with the client load of each level
 * and its warnings; empty when the run had no sweep. Every value escaped.
 */
export function sweepSection(d: ReportData): string {
  if (d.sweep.length === 0) return '';
  const order = JSON.parse(d.run.targets_json) as string[];
  const rows = order.flatMap((t) => d.sweep.filter((r) => r.target === t && r.scope === 'all'));
  const head = ['Target', 'Clients', 'QPS (wall)', 'P50 (ms)', 'P99 (ms)', 'Failed', 'Sessions', 'Client CPU', 'Loop p99 (ms)'];
  const body = rows.map((r) =>
    [
      `<th scope="row"><code>${esc(r.target)}</code></th>`,
      ...[esc(r.concurrency), f(r.qps_wall, 1), f(r.p50_ms, 3), f(r.p99_ms, 3), esc(r.failed)].map((c) => `<td class="num">${c}</td>`),
      `<td>${esc(r.concurrent_sessions ? 'concurrent' : 'queued behind one session')}</td>`,
      ...clientCells(d, 'sweep', r.target, r.concurrency).map(clientCellHtml),
    ].join(''),
  );
  return `<section id="concurrency-sweep">
  <h2>Concurrency sweep (closed loop)</h2>
  <p class="footnote">${esc(d.config.sweep_requests ?? '?')} requests per client per level, one target at a time; all queries. ${esc(SWEEP_CONNECTION_WAIT_NOTE)}</p>
  ${clientWarningsHtml(sweepClientWarnings(d))}
  <div class="card wide"><table class="results"><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table></div>
  <p class="footnote">${esc(clientColumnsNote(d))}</p>
  ${capacityHtml(d, 'sweep')}
</section>`;
}
