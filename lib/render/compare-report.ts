import type { RunChangeRow } from '../stats/run-comparison.js';
import { rowName } from '../stats/run-comparison.js';
import { esc } from './html/escape.js';
import { STYLE } from './html/style.js';
import { pageHead } from './html/page-head.js';
import { textTable } from './text-table.js';

/** What `make compare` writes as compare.json and renders as compare.txt and index.html. */
export interface CompareRunSummary {
  run_id: string;
  created_at: string;
  profile: string;
  dataset_id: string;
  targets: string[];
  measured_samples: number;
  below_production_scale: boolean;
  iterations: number | null;
  git_commit: string | null;
}

export interface SetupDifference {
  /** dataset: what was measured on; config: how; environment: where (machine, versions, commit). */
  kind: 'dataset' | 'config' | 'environment';
  field: string;
  base: string;
  head: string;
}

export interface CompareReport {
  compare_id: string;
  base: CompareRunSummary;
  head: CompareRunSummary;
  /** null: no threshold, the comparison never fails. */
  threshold_pct: number | null;
  method: Record<string, string>;
  same_setup: boolean;
  setup_differences: SetupDifference[];
  not_compared: {
    targets_only_in_base: string[]; targets_only_in_head: string[]; queries_only_in_base: string[]; queries_only_in_head: string[];
    /** "target/query in base|head: not supported on this path: <error>" (absent when none). */
    not_supported?: string[];
  };
  /** Counts over target × query rows. */
  summary: { compared: number; faster: number; slower: number; no_significant_difference: number };
  /** by_query: judged on the scope's queries compared one by one (the geometric mean of their p50 ratios); p50_change_pct and p50_ratio_low are then that change and its CI's lower end. */
  regressions: { name: string; level: string; target: string; key: string; p50_change_pct: number; p50_ratio_low: number | null; mw_p: number | null; by_query?: boolean }[];
  rows: RunChangeRow[];
}

const fmtPct = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`);
const fmtMs = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const fmtRatio = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const fmtP = (x: number | null) => (x === null ? 'n/a' : x < 0.0001 ? '<0.0001' : x.toFixed(4));
const fmtCi = (r: RunChangeRow) => `${fmtRatio(r.p50_ratio)} [${fmtRatio(r.ratio_low)}, ${fmtRatio(r.ratio_high)}]`;

/** The regression message of one row: "regression: pglite/vector_cosine p50 +98.2% > threshold 10%". */
export function regressionLine(r: CompareReport['regressions'][number], thresholdPct: number): string {
  return `regression: ${r.name} p50 ${fmtPct(r.p50_change_pct)}${r.by_query ? ' (query by query: geometric mean of its queries\' p50 ratios)' : ''} > threshold ${thresholdPct}%`;
}

/** "×1.091 [1.040, 1.150] slower (3 queries)", or 'n/a' for a row without query-by-query figures. */
const fmtByQuery = (r: RunChangeRow) => (r.by_query ? `${fmtRatio(r.by_query.ratio)} [${fmtRatio(r.by_query.low)}, ${fmtRatio(r.by_query.high)}] ${r.by_query.verdict} (${r.by_query.queries} queries)` : 'n/a');

function describeRun(label: string, s: CompareRunSummary): string {
  const commit = s.git_commit ? `, commit ${s.git_commit.slice(0, 12)}` : '';
  return `${label}${s.run_id}  ${s.created_at}  profile ${s.profile}, targets ${s.targets.join(', ')}, ${s.measured_samples.toLocaleString('en-US')} measured samples, ${s.iterations ?? '?'} iterations, dataset ${s.dataset_id}${commit}${s.below_production_scale ? ' (below production scale)' : ''}`;
}

const LEVEL_TITLES = { overall: 'All queries', category: 'Per category', query: 'Per query (target × query), largest change first' } as const;

/**
 * The columns of one level's table, text and HTML alike; scopes of several queries get the
 * query-by-query change as a last column (`scoped`; older stores' rows may lack it).
 */
function columnsOf(level: RunChangeRow['level'], rows: readonly RunChangeRow[]): { header: string[]; query: boolean; scoped: boolean } {
  const query = level !== 'overall';
  const scoped = level !== 'query' && rows.some((r) => r.by_query);
  const header = ['Target', ...(query ? [level === 'query' ? 'Query' : 'Category'] : []), 'base p50 (ms)', 'head p50 (ms)', 'Δp50', 'p50 ratio [95% CI]', 'Δp95', 'Δp99', 'ΔQPS', 'p (MW)', 'verdict', ...(scoped ? ['query by query: p50 ratio [95% CI]'] : [])];
  return { header, query, scoped };
}

function levelTable(rows: readonly RunChangeRow[]): string {
  const { header, query, scoped } = columnsOf(rows[0]?.level ?? 'overall', rows);
  const body = rows.map((r) => [
    r.target, ...(query ? [r.key] : []), fmtMs(r.base.p50_ms), fmtMs(r.head.p50_ms), fmtPct(r.p50_change_pct), fmtCi(r),
    fmtPct(r.p95_change_pct), fmtPct(r.p99_change_pct), fmtPct(r.qps_change_pct), fmtP(r.mw_p), r.verdict, ...(scoped ? [fmtByQuery(r)] : []),
  ]);
  const verdictAt = header.indexOf('verdict');
  return textTable(header, body, [0, ...(query ? [1] : []), verdictAt, ...(scoped ? [verdictAt + 1] : [])]);
}

/** compare.txt (also printed by `make compare`). */
export function compareText(c: CompareReport): string {
  const out: string[] = [
    `pathbench comparison ${c.base.run_id} → ${c.head.run_id}`,
    describeRun('base: ', c.base),
    describeRun('head: ', c.head),
    `method: ${c.method.change}; ${c.method.p50_ratio_ci}; ${c.method.verdict}`,
    `threshold: ${c.threshold_pct === null ? 'none (a comparison without --threshold never fails)' : `${c.threshold_pct}% — exit 1 on a significant p50 slowdown above it`}`,
  ];
  if (c.base.below_production_scale || c.head.below_production_scale) {
    out.push('', 'NOTICE: below production scale (scale: small) — use these numbers for demos and tests, not for decisions.');
  }
  if (!c.same_setup) {
    out.push('', '!'.repeat(78), `!!! DIFFERENT SETUPS — ${c.setup_differences.length} difference(s) between the runs; a change below may come`, '!!! from these rather than from what you meant to compare:');
    for (const d of c.setup_differences) out.push(`!!!   ${d.kind.padEnd(11)} ${d.field}: ${d.base} → ${d.head}`);
    out.push('!'.repeat(78));
  }
  const nc = c.not_compared;
  const skipped = [
    ...nc.targets_only_in_base.map((t) => `target ${t} only in base`), ...nc.targets_only_in_head.map((t) => `target ${t} only in head`),
    ...nc.queries_only_in_base.map((q) => `${q} only in base`), ...nc.queries_only_in_head.map((q) => `${q} only in head`),
  ];
  if (skipped.length) out.push('', `Not compared: ${skipped.join('; ')}`);
  if (nc.not_supported?.length) out.push('', 'Not supported on the path (never compared; left out of its category and overall rows):', ...nc.not_supported.map((x) => `  ${x}`));
  const s = c.summary;
  out.push('', `${s.compared} target × query pairs: ${s.slower} slower, ${s.faster} faster, ${s.no_significant_difference} no significant difference (head vs base).`);
  for (const level of ['overall', 'category', 'query'] as const) {
    const rows = c.rows.filter((r) => r.level === level);
    if (rows.length) out.push('', LEVEL_TITLES[level], levelTable(rows));
  }
  out.push('', 'Δ = head / base − 1 (latency: + is slower; QPS: + is faster). Verdict: two-sided Mann–Whitney U, α = 0.05 ("no significant difference" when p > 0.05).');
  if (c.threshold_pct !== null) {
    out.push(c.regressions.length
      ? `REGRESSIONS (${c.regressions.length}):\n${c.regressions.map((r) => '  ' + regressionLine(r, c.threshold_pct!)).join('\n')}`
      : `No regression: no significant p50 slowdown above ${c.threshold_pct}%.`);
  }
  return out.join('\n') + '\n';
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'";
const EXTRA_STYLE = `
tr.faster td.verdict, td.faster { color: var(--ok); font-weight: 650; }
tr.slower td.verdict, td.slower { color: var(--bad); font-weight: 650; }
td.verdict { white-space: normal; min-width: 8em; }
tr.faster { background: #eef8f1; }
tr.slower { background: #fdf0ee; }
tr.regression th { box-shadow: inset 4px 0 0 var(--bad); }
ul.diffs { margin: 6px 0 0; padding-left: 20px; font-weight: 400; }
`;

function htmlTable(level: keyof typeof LEVEL_TITLES, rows: readonly RunChangeRow[], regressions: ReadonlySet<string>): string {
  const cls = (x: number | null, lowerIsBetter: boolean) => (x === null || x === 0 ? '' : (x < 0) === lowerIsBetter ? 'faster' : 'slower');
  const { header, query, scoped } = columnsOf(level, rows);
  const head = header
    .map((h, i) => `<th${i >= (query ? 2 : 1) && i < (query ? 10 : 9) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => {
    const v = r.by_query?.verdict ?? r.verdict; // a scope compared query by query is coloured as it is judged
    const rowCls = [v === 'faster' ? 'faster' : v === 'slower' ? 'slower' : '', regressions.has(rowName(r)) ? 'regression' : ''].filter(Boolean).join(' ');
    const sig = r.verdict !== 'no significant difference';
    return `<tr${rowCls ? ` class="${rowCls}"` : ''}><th>${esc(r.target)}</th>${query ? `<td>${esc(r.key)}</td>` : ''}` +
      `<td class="num">${esc(fmtMs(r.base.p50_ms))}</td><td class="num">${esc(fmtMs(r.head.p50_ms))}</td>` +
      `<td class="num ${sig ? cls(r.p50_change_pct, true) : ''}">${esc(fmtPct(r.p50_change_pct))}</td><td class="num">${esc(fmtCi(r))}</td>` +
      `<td class="num">${esc(fmtPct(r.p95_change_pct))}</td><td class="num">${esc(fmtPct(r.p99_change_pct))}</td>` +
      `<td class="num">${esc(fmtPct(r.qps_change_pct))}</td><td class="num">${esc(fmtP(r.mw_p))}</td><td class="verdict">${esc(r.verdict)}</td>` +
      `${scoped ? `<td class="verdict">${esc(fmtByQuery(r))}</td>` : ''}</tr>`;
  }).join('\n');
  return `<section id="${level}"><h2>${esc(LEVEL_TITLES[level])}</h2><div class="card wide"><table class="results"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div></section>`;
}

function runCard(label: string, s: CompareRunSummary): string {
  const kv = (k: string, v: string) => `<dt>${esc(k)}</dt><dd>${v}</dd>`;
  return `<div class="card"><h3>${esc(label)} <code>${esc(s.run_id)}</code></h3><dl class="kv">${[
    kv('created', esc(s.created_at)), kv('profile', esc(s.profile)), kv('targets', esc(s.targets.join(', '))),
    kv('dataset', `<code>${esc(s.dataset_id)}</code>`), kv('iterations', esc(s.iterations ?? 'n/a')),
    kv('measured samples', esc(s.measured_samples.toLocaleString('en-US'))), kv('git commit', `<code>${esc(s.git_commit ?? 'n/a')}</code>`),
  ].join('')}</dl></div>`;
}

/** index.html: one self-contained page (inline style, no script, loads nothing). */
export function compareHtml(c: CompareReport): string {
  const regressions = new Set(c.regressions.map((r) => r.name));
  const notices: string[] = [];
  if (c.base.below_production_scale || c.head.below_production_scale) notices.push('<div class="notice">Below production scale (scale: small): use these numbers for demos and tests, not for decisions.</div>');
  if (!c.same_setup) {
    notices.push(`<div class="notice bad">Different setups: ${c.setup_differences.length} difference(s) between the runs — a change below may come from these rather than from what you meant to compare.<ul class="diffs">${
      c.setup_differences.map((d) => `<li>${esc(d.kind)} <code>${esc(d.field)}</code>: ${esc(d.base)} → ${esc(d.head)}</li>`).join('')}</ul></div>`);
  }
  if (c.threshold_pct !== null) {
    notices.push(c.regressions.length
      ? `<div class="notice bad">${c.regressions.length} regression(s) over the ${esc(c.threshold_pct)}% threshold:<ul class="diffs">${c.regressions.map((r) => `<li>${esc(regressionLine(r, c.threshold_pct!))}</li>`).join('')}</ul></div>`
      : `<div class="notice">No regression: no significant p50 slowdown above ${esc(c.threshold_pct)}%.</div>`);
  }
  if (c.not_compared.not_supported?.length) {
    notices.push(`<div class="notice">Not supported on the path (never compared; left out of its category and overall rows):<ul class="diffs">${c.not_compared.not_supported.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`);
  }
  const s = c.summary;
  const levels = (['overall', 'category', 'query'] as const).map((l) => ({ l, rows: c.rows.filter((r) => r.level === l) })).filter((x) => x.rows.length);
  return `${pageHead({ title: `pathbench comparison ${c.base.run_id} → ${c.head.run_id}`, csp: CSP, css: STYLE + EXTRA_STYLE })}
<body>
<main>
<header class="report-header"><p class="eyebrow">pathbench run comparison</p><h1><code>${esc(c.base.run_id)}</code> → <code>${esc(c.head.run_id)}</code></h1>
<div class="tables">${runCard('base', c.base)}${runCard('head', c.head)}</div></header>
${notices.join('\n')}
<p><strong>${s.compared}</strong> target × query pairs: <span class="bad">${s.slower} slower</span>, <span class="ok">${s.faster} faster</span>, ${s.no_significant_difference} no significant difference (head vs base).</p>
${levels.map(({ l, rows }) => htmlTable(l, rows, regressions)).join('\n')}
<p class="footnote">Δ = head / base − 1 (latency: + is slower; QPS: + is faster). ${esc(c.method.p50_ratio_ci)}. ${esc(c.method.verdict)}. Rows within a table are sorted by effect size, |ln(p50 ratio)|.</p>
</main>
<footer>Self-contained page: works offline, loads nothing. Same data as compare.json and compare.txt.</footer>
</body>
</html>
`;
}
