import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportData } from '../report-data.js';
import { BOOT_SCRIPT, chartData, chartFigures, type HtmlChart } from './charts.js';
import { esc } from './escape.js';
import { chartRuntime } from './inline-assets.js';
import { notSupportedBox, statisticsSection, verificationSection, verificationWarningsBox } from './trust-sections.js';
import { theAnswerSection } from './the-answer-section.js';
import { theAnswer } from '../the-answer.js';
import { belowScaleNotice, configSection, dataLoadSection, environmentSection, runHeader, summarySection } from './sections.js';
import { steadyStateBox } from './steady-state-html.js';
import { STYLE } from './style.js';
import { pageHead } from './page-head.js';
import { efSearchSection } from './ef-search-section.js';
import { openLoopSection } from './open-loop-section.js';
import { sweepSection } from './sweep-section.js';
import { queryPlanWarningsBox, queryPlansSection } from './query-plans-section.js';

export type { HtmlChart } from './charts.js';

/**
 * Nothing may be loaded from anywhere: scripts and styles are inline (Vega compiles expressions
 * with `new Function`, hence 'unsafe-eval'), images only as data:/blob: URLs (chart export).
 */
const CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:";

/** The whole page as one string; deterministic for the same data and specs. */
export async function htmlReport(data: ReportData, specs: readonly HtmlChart[]): Promise<string> {
  const runtime = await chartRuntime();
  const scripts = runtime.map((a) => `<script data-lib="${esc(a.pkg)}@${esc(a.version)}">${a.source}</script>`).join('\n');
  const libs = runtime.map((a) => `${a.pkg} ${a.version}`).join(', ');
  return `${pageHead({ title: `pathbench report ${data.run.run_id}`, csp: CSP, css: STYLE })}
<body data-charts="pending">
<nav class="toc" aria-label="Sections"><ul>
${theAnswer(data).length ? '  <li><a href="#the-answer">The answer</a></li>\n' : ''}  <li><a href="#summary">Summary</a></li>
  <li><a href="#verification">Verification</a></li>
${data.plans?.some((p) => p.scope === 'measure') ? '  <li><a href="#query-plans">Query plans</a></li>\n' : ''}  <li><a href="#statistics">Statistics</a></li>
${data.sweep.length ? '  <li><a href="#concurrency-sweep">Concurrency sweep</a></li>\n' : ''}${data.efSearch.points.length ? '  <li><a href="#ef-search">ef_search sweep</a></li>\n' : ''}${data.openLoop?.rows.length ? '  <li><a href="#open-loop">Open loop</a></li>\n' : ''}  <li><a href="#charts">Charts</a></li>
  <li><a href="#data-load">Data load</a></li>
  <li><a href="#environment">Environment</a></li>
  <li><a href="#configuration">Configuration</a></li>
</ul></nav>
<main>
${runHeader(data)}
${theAnswerSection(data)}${belowScaleNotice(data)}
${verificationWarningsBox(data)}${notSupportedBox(data)}
${queryPlanWarningsBox(data)}${steadyStateBox(data)}
${summarySection(data)}
${verificationSection(data)}
${queryPlansSection(data)}
${statisticsSection(data)}
${sweepSection(data)}
${efSearchSection(data)}
${openLoopSection(data)}
<section id="charts">
  <h2>Charts</h2>
  <p class="footnote chart-hint">Hover a mark for its values. Click a target in a legend to highlight it (shift-click to add more, double-click the chart to reset); the <span aria-hidden="true">…</span> menu exports SVG or PNG.</p>
  ${chartFigures(specs)}
</section>
${dataLoadSection(data)}
${environmentSection(data)}
${configSection(data)}
</main>
<footer>Self-contained report: works offline, loads nothing. Charts drawn in the page with ${esc(libs)}; the same charts are in charts/*.svg and *.png.</footer>
${scripts}
${chartData(specs)}
<script>${BOOT_SCRIPT}</script>
</body>
</html>
`;
}

/** Writes `<dir>/index.html` (creating dir if needed) and returns its path. */
export async function writeHtmlReport(dir: string, data: ReportData, specs: readonly HtmlChart[]): Promise<string> {
  const path = join(dir, 'index.html');
  await mkdir(dir, { recursive: true });
  await writeFile(path, await htmlReport(data, specs));
  return path;
}
