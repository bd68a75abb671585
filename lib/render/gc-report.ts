import type { GcSummary } from '../stats/gc-tail.js';
import type { ReportData } from './report-data.js';
import { esc } from './html/escape.js';

/**
 * The GC section: the measuring process's garbage-collection pauses during the measured phase and
 * how many of each query × target's slowest 1% overlapped one (lib/stats/gc-tail.ts). Absent for
 * runs that did not record pauses, so their reports stay as they were.
 */
function summaryLines(g: GcSummary, wallNs: number | null): string[] {
  if (g.pauses === 0) return ['no pause recorded during the measured phase'];
  const requests = g.rows.reduce((a, r) => a + r.requests, 0);
  const overlapped = g.rows.reduce((a, r) => a + r.overlapped, 0);
  const tail = g.rows.reduce((a, r) => a + r.tail, 0);
  const tailHit = g.rows.reduce((a, r) => a + r.tail_overlapped, 0);
  const kinds = Object.entries(g.by_kind).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  const share = wallNs ? ` (${((g.total_ms * 1e6 * 100) / wallNs).toFixed(1)}% of the phase)` : '';
  const pct = (a: number, b: number) => (b === 0 ? '0.0' : ((100 * a) / b).toFixed(1));
  return [
    `${g.pauses} pauses (${kinds}), ${g.total_ms.toFixed(1)} ms in all${share}, longest ${g.max_ms.toFixed(1)} ms; ${pct(overlapped, requests)}% of all requests overlapped one`,
    `slowest 1% of each query × target: ${tailHit} of ${tail} requests (${pct(tailHit, tail)}%) overlapped a pause`,
  ];
}

/** Query × target pairs whose tail is mostly GC: at least half of their slowest 1%, and at least one request. */
function gcBoundTails(g: GcSummary) {
  return g.rows.filter((r) => r.tail_overlapped > 0 && 2 * r.tail_overlapped >= r.tail);
}

export function gcTableLines(d: ReportData): string[] {
  if (!d.gc) return [];
  const out = ['', 'Garbage collection (the measuring process, during the measured phase)', ...summaryLines(d.gc, d.run.wall_ns).map((l) => `  ${l}`)];
  const bound = gcBoundTails(d.gc);
  if (bound.length) {
    out.push('  tails that are mostly GC (at least half of the slowest 1% overlapped a pause):');
    for (const r of bound) out.push(`    ${r.target} / ${r.query_id}: ${r.tail_overlapped} of ${r.tail} (of all its requests, ${r.overlapped} of ${r.requests})`);
  }
  return out;
}

export function gcHtml(d: ReportData): string {
  if (!d.gc) return '';
  const bound = gcBoundTails(d.gc);
  return `<h3>Garbage collection</h3><p class="footnote">The measuring process, during the measured phase: ${summaryLines(d.gc, d.run.wall_ns).map(esc).join('; ')}.</p>` +
    (bound.length ? `<ul class="warn">${bound.map((r) => `<li><code>${esc(r.target)}</code> / <code>${esc(r.query_id)}</code>: ${r.tail_overlapped} of its ${r.tail} slowest requests overlapped a pause</li>`).join('')}</ul>` : '');
}

export function gcJson(d: ReportData): Record<string, unknown> {
  if (!d.gc) return {};
  return { garbage_collection: { ...d.gc, tail_definition: 'slowest 1% of each target × query (at least one request); a pause overlaps a request when it starts before the request ends and ends after it starts' } };
}
