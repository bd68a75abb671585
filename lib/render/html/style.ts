import { PAGE_FONT } from './charts.js';

/** The report's stylesheet: light theme, one column up to 1200px, tables and cards. */
export const STYLE = `
:root {
  --fg: #1f2933; --muted: #616e7c; --line: #d9dee4; --bg: #f5f7f9; --card: #ffffff;
  --accent: #1f5fa8; --notice-bg: #fff4d6; --notice-line: #e3b341; --ok: #1b7f3b; --bad: #b42318;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--fg); font: 15px/1.5 ${PAGE_FONT}; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
nav.toc { position: sticky; top: 0; z-index: 10; background: rgba(255,255,255,0.96); border-bottom: 1px solid var(--line); }
nav.toc ul { display: flex; gap: 4px; max-width: 1200px; margin: 0 auto; padding: 8px 24px; list-style: none; }
nav.toc a { display: block; padding: 4px 10px; border-radius: 6px; color: var(--accent); text-decoration: none; font-weight: 500; }
nav.toc a:hover { background: #e8f0fa; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 24px 48px; }
.report-header { margin-bottom: 20px; }
.eyebrow { margin: 0; color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: 0.08em; }
h1 { margin: 2px 0 12px; font-size: 26px; font-weight: 650; }
h1 code { font-size: 0.95em; }
h2 { margin: 36px 0 12px; font-size: 20px; font-weight: 650; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { margin: 20px 0 8px; font-size: 16px; font-weight: 600; }
.card h3 { margin-top: 0; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.notice { margin: 16px 0 8px; padding: 12px 16px; background: var(--notice-bg); border: 1px solid var(--notice-line); border-left-width: 6px; border-radius: 6px; font-weight: 600; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
section { scroll-margin-top: 56px; }
.tables { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 16px; }
.tables .card { overflow-x: auto; }
.tables .overall { border-top: 3px solid var(--accent); }
table.results { border-collapse: collapse; width: 100%; }
table.results caption { text-align: left; font-weight: 600; padding: 0 0 8px; }
table.results th, table.results td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
table.results thead th { font-size: 13px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
table.results tbody tr:last-child > * { border-bottom: none; }
table.results tbody th { font-weight: 500; }
table.results td.wrap { white-space: normal; }
table.compact { width: auto; min-width: 420px; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; }
td.best { font-weight: 700; }
.wide { overflow-x: auto; }
.footnote { color: var(--muted); font-size: 13px; margin: 10px 0; }
.muted { color: var(--muted); }
.ok { color: var(--ok); }
.notice.bad { background: #fdecea; border-color: #d93025; color: #8a1c14; }
.nowrap { white-space: nowrap; }
.card.fit { width: fit-content; max-width: 100%; }
.warn { color: #8a5a00; }
.bad { color: var(--bad); font-weight: 700; }
code.hash { color: var(--muted); }
.chart-card { margin: 0 0 16px; overflow-x: auto; display: flex; flex-direction: column; align-items: center; }
.chart { min-height: 120px; }
.chart-hint { margin: 8px 0 0; }
.chart-error { color: var(--bad); font-weight: 600; }
.env-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
dl.kv { display: grid; grid-template-columns: minmax(120px, max-content) 1fr; gap: 3px 14px; margin: 0; font-size: 14px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
dl.kv dl.kv { padding-left: 10px; border-left: 2px solid var(--line); }
pre.config { margin: 0; overflow-x: auto; font-size: 13px; line-height: 1.45; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 24px 32px; color: var(--muted); font-size: 13px; }
#vg-tooltip-element { font-family: ${PAGE_FONT}; }
`;
