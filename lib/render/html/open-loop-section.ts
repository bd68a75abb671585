import { fmtRate } from '../../stats/open-loop-summary.js';
import { MIX_HEADER, QUEUED_NOTE, mixCells, mixRows, openLoopSetup, scopeName, sessionsLabel } from '../open-loop-report.js';
import type { ReportData } from '../report-data.js';
import { esc } from './escape.js';
import { capacityHtml } from './client-capacity-html.js';
import { clientColumnsNote, QUEUE_WAIT_NOTE, clientCells, openLoopClientWarnings, queueCells } from '../level-client-report.js';
import { clientCellHtml, clientWarningsHtml } from './level-client-html.js';

/** The open-loop table and SLO verdicts: the same rows as table.txt; empty when the run had none. */
const NA = '<span class="muted">n/a</span>';
const f3 = (x: number | null) => (x === null ? NA : esc(x.toFixed(3)));

export function openLoopSection(d: ReportData): string {
  const ol = d.openLoop;
  if (!ol || ol.rows.length === 0) return '';
  const order = JSON.parse(d.run.targets_json) as string[];
  const rows = order.flatMap((t) => ol.rows.filter((r) => r.target === t && r.scope === 'all'));
  const head = ['Target', 'Offered /s', 'Achieved /s', 'P50 (ms)', 'P99 (ms)', 'Service P50', 'Service P99', 'Late', 'Dropped', 'Queued', 'Wait mean/p99/max (ms)', 'Failed', 'Sessions', 'Client CPU', 'Loop p99 (ms)'];
  const body = rows.map((r) =>
    [
      `<th scope="row"><code>${esc(r.target)}</code></th>`,
      ...[esc(r.offered_rate), r.achieved_rate === null ? NA : esc(r.achieved_rate.toFixed(1)), f3(r.p50_ms), f3(r.p99_ms), f3(r.service_p50_ms), f3(r.service_p99_ms), esc(`${r.late}/${r.scheduled}`), esc(r.dropped), ...queueCells(r).map(esc), esc(r.failed)].map(
        (c) => `<td class="num">${c}</td>`,
      ),
      `<td>${esc(r.concurrent_sessions ? sessionsLabel(r) : '1 (queued*)')}</td>`,
      ...clientCells(d, 'open-loop', r.target, r.offered_rate).map(clientCellHtml),
    ].join(''),
  );
  const slo = ol.verdicts[0]?.slo_p99_ms ?? d.config.slo_p99_ms ?? 10;
  const verdicts = order.flatMap((t) => ol.verdicts.filter((v) => v.target === t));
  return `<section id="open-loop">
  <h2>Open loop: latency vs offered rate</h2>
  <p class="footnote">${esc(openLoopSetup(d))}. P50/P99: corrected latency (end − intended start); Service: end − actual start, as a closed-loop tool would report it.</p>
  <div class="card wide"><table class="results"><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table></div>
  ${mixSection(d, order)}
  <h3>Highest offered rate meeting the SLO (corrected p99 ≤ ${esc(slo)} ms, nothing dropped or failed)</h3>
  <ul class="slo">${verdicts.map((v) => `<li><code>${esc(v.target)}</code> / ${esc(scopeName(v.scope))}: <span class="${v.sustained_rate === null ? 'bad' : 'ok'}">${esc(v.sustained_rate === null ? 'none' : fmtRate(v.sustained_rate))}</span>${v.detail ? ` <span class="muted">(missed: ${esc(v.detail)})</span>` : ''}</li>`).join('')}</ul>
  ${rows.some((r) => !r.concurrent_sessions) ? `<p class="footnote">* ${esc(QUEUED_NOTE)}</p>` : ''}
  <p class="footnote">${esc(QUEUE_WAIT_NOTE)} ${esc(clientColumnsNote(d))}</p>
  ${clientWarningsHtml(openLoopClientWarnings(d))}
  ${capacityHtml(d, 'open-loop')}
</section>`;
}

/** Per-query latency within a rate_mix run's levels; empty without a mix. */
function mixSection(d: ReportData, order: readonly string[]): string {
  const rows = mixRows(d, order);
  if (rows.length === 0) return '';
  const body = rows.map((r) =>
    mixCells(d, r)
      .map((c, i) => (i === 0 ? `<th scope="row"><code>${esc(c)}</code></th>` : i === 2 ? `<td><code>${esc(c)}</code></td>` : `<td class="num">${c === 'n/a' ? NA : esc(c)}</td>`))
      .join(''),
  );
  return `<h3>Per query within the mix</h3>
  <div class="card wide"><table class="results"><thead><tr>${MIX_HEADER.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table></div>`;
}
