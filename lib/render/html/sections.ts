import { datasetOriginText, fingerprintSourceText } from '../dataset-text.js';
import { stringify as toYaml } from 'yaml';
import { busyMachineWarning } from '../../measure/machine-load.js';
import { machineLoadOf, unsteadyMachineWarningOf } from '../machine-load-report.js';
import type { AggregateRow } from '../../store/aggregates.js';
import { CATEGORIES } from '../../workload/queries.js';
import { BELOW_SCALE_NOTICE, targetOrder, type ReportData } from '../report-data.js';
import { esc } from './escape.js';
import { pathModes } from '../query-mode-report.js';
import { queryModeText } from '../../targets/query-mode.js';

/** The HTML sections of the report other than the charts. Every value is escaped with esc(). */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const NA = '<span class="muted">n/a</span>';
const fmtQps = (x: number | null) => (x === null ? NA : x.toFixed(1));
const fmtMs = (x: number | null) => (x === null ? NA : x.toFixed(3));
const fmtInt = (x: number) => x.toLocaleString('en-US');
const fmtSec = (x: number | null) => (x === null ? NA : `${x.toFixed(1)} s`);
const fmtMiB = (b: number | null) => (b === null ? NA : `${(b / 2 ** 20).toFixed(1)} MiB`);

function rowsAt(d: ReportData, level: AggregateRow['level'], key: string): AggregateRow[] {
  return targetOrder(d).flatMap((t) => d.aggregates.filter((a) => a.level === level && a.key === key && a.target === t));
}

/** Categories in workload order, then any others the run has, alphabetically. */
function categories(d: ReportData): string[] {
  const present = new Set(d.aggregates.filter((a) => a.level === 'category').map((a) => a.key));
  const known: readonly string[] = CATEGORIES;
  return [...known.filter((c) => present.has(c)), ...[...present].filter((c) => !known.includes(c)).sort()];
}

export function runHeader(d: ReportData): string {
  const c = d.config;
  const order = targetOrder(d);
  const queries = new Set(d.aggregates.filter((a) => a.level === 'query').map((a) => a.key)).size;
  const items: [string, string][] = [
    ['timestamp', esc(d.run.created_at)],
    ['profile', esc(d.run.profile)],
    ['targets', order.map((t) => `<code>${esc(t)}</code>`).join(', ')],
    ['dataset', `${esc(fmtInt(c.dataset_size))} vectors × ${esc(c.vector_dims)} dims, ${esc(datasetOriginText(c))} <span class="muted">(${esc(d.run.dataset_id)})</span>`],
    [
      'workload',
      `${esc(c.iterations)} iterations × ${esc(queries)} queries per target, warmup ${esc(c.warmup)} per query, k=${esc(c.k)}, ` +
        `hnsw.ef_search=${esc(c.hnsw.ef_search)}, vector params ${esc(c.vector_param_format)}`,
    ],
    ['duration', `${d.run.wall_ns === null ? NA : esc(`${(d.run.wall_ns / 1e9).toFixed(1)} s`)} <span class="muted">(measured phase, all targets interleaved)</span>`],
  ];
  const modes = pathModes(d);
  if (modes.length) {
    items.push(['query mode', modes.map((p) => `<code>${esc(p.target)}</code>: ${esc(queryModeText(p.mode))}${p.note ? ` <strong class="warn">${esc(`— ${p.note}`)}</strong>` : ''}`).join('<br>')]);
  }
  if (d.run.status !== 'complete') items.push(['status', `<strong>${esc(d.run.status)}</strong>`]);
  return `<header class="report-header">
  <p class="eyebrow">pathbench report</p>
  <h1>Run <code>${esc(d.run.run_id)}</code></h1>
  <dl class="meta">${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
</header>`;
}

export function belowScaleNotice(d: ReportData): string {
  const ml = machineLoadOf(d);
  const busy = ml ? busyMachineWarning(ml) : null;
  const unsteady = unsteadyMachineWarningOf(d);
  const busyBox = (busy ? `<div class="notice bad" id="busy-machine-notice" role="alert">${esc(busy)}</div>` : '') +
    (unsteady ? `<div class="notice bad" id="unsteady-machine-notice" role="alert">${esc(unsteady)}</div>` : '');
  if (d.run.below_production_scale !== 1) return busyBox;
  return `${busyBox}<div class="notice" id="below-scale-notice" role="note">${esc(BELOW_SCALE_NOTICE)}</div>`;
}

/** The 5-column table (Method | QPS | P50 | P95 | P99); the best value of each column is bold. */
function fiveColumnTable(caption: string, rows: readonly AggregateRow[]): string {
  const cols: { head: string; get: (a: AggregateRow) => number | null; fmt: (x: number | null) => string; best: 'max' | 'min' }[] = [
    { head: 'QPS', get: (a) => a.qps, fmt: fmtQps, best: 'max' },
    { head: 'P50 (ms)', get: (a) => a.p50_ms, fmt: fmtMs, best: 'min' },
    { head: 'P95 (ms)', get: (a) => a.p95_ms, fmt: fmtMs, best: 'min' },
    { head: 'P99 (ms)', get: (a) => a.p99_ms, fmt: fmtMs, best: 'min' },
  ];
  const bests = cols.map((c) => {
    const values = rows.map(c.get).filter((x): x is number => x !== null);
    if (values.length < 2) return null;
    return c.best === 'max' ? Math.max(...values) : Math.min(...values);
  });
  const body = rows
    .map((a) => {
      const cells = cols.map((c, i) => {
        const v = c.get(a);
        return `<td class="num${v !== null && v === bests[i] ? ' best' : ''}">${c.fmt(v)}</td>`;
      });
      return `<tr><th scope="row"><code>${esc(a.target)}</code></th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table class="results">
  <caption>${esc(caption)}</caption>
  <thead><tr><th scope="col">Method</th>${cols.map((c) => `<th scope="col" class="num">${esc(c.head)}</th>`).join('')}</tr></thead>
  <tbody>${body}</tbody>
</table>`;
}

function failures(d: ReportData): string {
  const order = targetOrder(d);
  const overall = rowsAt(d, 'overall', 'all');
  const failed = overall.filter((a) => a.failed > 0);
  if (failed.length === 0) {
    const total = overall.reduce((n, a) => n + a.count, 0);
    return `<p class="ok">No failed requests: all ${esc(fmtInt(total))} measured requests succeeded.</p>`;
  }
  const byQuery = d.aggregates
    .filter((a) => a.level === 'query' && a.failed > 0)
    .sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target) || a.key.localeCompare(b.key));
  const row = (target: string, what: string, a: AggregateRow) =>
    `<tr><th scope="row"><code>${esc(target)}</code></th><td>${what}</td><td class="num">${esc(fmtInt(a.failed))}</td><td class="num">${esc(fmtInt(a.count))}</td></tr>`;
  return `<p class="warn">Failed requests are stored with their error text and excluded from latency and QPS.</p>
<div class="card fit wide"><table class="results compact failures">
  <thead><tr><th scope="col">Target</th><th scope="col">Query</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Of</th></tr></thead>
  <tbody>${[...failed.map((a) => row(a.target, '<strong>all queries</strong>', a)), ...byQuery.map((a) => row(a.target, `<code>${esc(a.key)}</code>`, a))].join('')}</tbody>
</table></div>`;
}

export function summarySection(d: ReportData): string {
  const perCategory = categories(d)
    .map((c) => ({ c, rows: rowsAt(d, 'category', c) }))
    .filter((x) => x.rows.length > 0)
    .map((x) => fiveColumnTable(`Category: ${x.c}`, x.rows));
  return `<section id="summary">
  <h2>Summary</h2>
  <div class="tables">
    <div class="card overall">${fiveColumnTable('All queries', rowsAt(d, 'overall', 'all'))}</div>
    ${perCategory.map((t) => `<div class="card">${t}</div>`).join('\n    ')}
  </div>
  <p class="footnote">QPS = successful requests / sum of their latencies; percentiles: linear interpolation (numpy default). Bold: the best value of its column.</p>
  <h3 id="failures">Failures</h3>
  ${failures(d)}
</section>`;
}

export function dataLoadSection(d: ReportData): string {
  const body = d.fingerprints.length
    ? `<p class="footnote">Seed stage: one load per database, read back through each path; targets sharing a database show the same load figures.</p>
<div class="card wide"><table class="results">
  <thead><tr><th scope="col">Target</th><th scope="col" class="num">Rows</th><th scope="col">Fingerprint</th><th scope="col">Index</th><th scope="col" class="num">Load</th><th scope="col" class="num">Rows/s</th><th scope="col" class="num">Index build</th><th scope="col" class="num">Table</th><th scope="col" class="num">HNSW index</th></tr></thead>
  <tbody>${d.fingerprints
    .map(
      (f) =>
        `<tr><th scope="row"><code>${esc(f.target)}</code></th><td class="num">${esc(fmtInt(f.row_count))}</td>` +
        `<td class="wrap">${f.matches ? `<span class="ok nowrap">matches ${esc(fingerprintSourceText(d.config))}</span>` : `<span class="bad nowrap">DIFFERS from ${esc(fingerprintSourceText(d.config))}</span>`}<br><code class="hash" title="vectors ${esc(f.vectors_hash)} · metadata ${esc(f.metadata_hash)}">${esc(f.vectors_hash.slice(0, 12))}</code></td>` +
        `<td class="wrap"><code>${esc(f.index_spec)}</code></td><td class="num">${fmtSec(f.load_seconds)}</td>` +
        `<td class="num">${f.rows_per_second === null ? NA : esc(fmtInt(Math.round(f.rows_per_second)))}</td>` +
        `<td class="num">${fmtSec(f.index_seconds)}</td><td class="num">${fmtMiB(f.table_bytes)}</td><td class="num">${fmtMiB(f.index_bytes)}</td></tr>`,
    )
    .join('')}</tbody>
</table></div>`
    : '<p class="muted">No data load figures were recorded for this dataset.</p>';
  return `<section id="data-load">
  <h2>Data load</h2>
  ${body}
</section>`;
}

function valueHtml(v: unknown): string {
  if (v === null || v === undefined) return NA;
  if (Array.isArray(v)) {
    if (v.every((x) => !isObject(x) && !Array.isArray(x))) return esc(v.map(String).join(', '));
    return `<ol>${v.map((x) => `<li>${valueHtml(x)}</li>`).join('')}</ol>`;
  }
  if (isObject(v)) return definitionList(v);
  return esc(v);
}

function definitionList(obj: Json): string {
  const entries = Object.entries(obj);
  if (entries.length === 0) return NA;
  return `<dl class="kv">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${valueHtml(v)}</dd>`).join('')}</dl>`;
}

/**
 * The environment fingerprint as cards: top-level scalars together, each top-level object on its
 * own, and an object of objects (e.g. `targets`) as one card per member.
 */
export function environmentSection(d: ReportData): string {
  const env = d.environment;
  const scalars = Object.fromEntries(Object.entries(env).filter(([, v]) => !isObject(v)));
  const cards: { title: string; body: string }[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!isObject(v)) continue;
    const members = Object.entries(v);
    if (members.length > 0 && members.every(([, m]) => isObject(m))) {
      for (const [name, m] of members) cards.push({ title: `${k}: ${name}`, body: definitionList(m as Json) });
    } else cards.push({ title: k, body: definitionList(v) });
  }
  if (Object.keys(scalars).length) cards.push({ title: 'run', body: definitionList(scalars) });
  const body = cards.length
    ? `<div class="env-grid">${cards.map((c) => `<div class="card"><h3>${esc(c.title)}</h3>${c.body}</div>`).join('\n')}</div>`
    : '<p class="muted">No environment fingerprint was recorded for this run.</p>';
  return `<section id="environment">
  <h2>Environment</h2>
  ${body}
</section>`;
}

export function configSection(d: ReportData): string {
  return `<section id="configuration">
  <h2>Configuration</h2>
  <p class="footnote">The run's resolved configuration (profile and flags), as stored with the run. Keys that look like secrets and passwords inside URLs are redacted.</p>
  <pre class="card config">${esc(toYaml(d.config))}</pre>
</section>`;
}
