import type { TopLevelSpec } from 'vega-lite';
import { esc, jsonForScript } from './escape.js';

/** One chart of the report, as rendered to files by the render stage. */
export interface HtmlChart {
  stem: string;
  title: string;
  spec: TopLevelSpec;
}

/** Name of the legend-bound selection added to every chart that colours by target. */
export const PICK_PARAM = 'pick';
/** Opacity of the marks of targets that are not picked in the legend. */
const FADED = 0.12;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Unit specs (a mark and an encoding) anywhere in a view composition. */
function unitSpecs(node: unknown, out: Json[] = []): Json[] {
  if (!isObject(node)) return out;
  if ('mark' in node && isObject(node.encoding)) out.push(node);
  if (isObject(node.spec)) unitSpecs(node.spec, out);
  for (const key of ['layer', 'concat', 'hconcat', 'vconcat']) {
    const children = node[key];
    if (Array.isArray(children)) for (const c of children) unitSpecs(c, out);
  }
  return out;
}

function declaresParam(node: unknown, name: string): boolean {
  if (!isObject(node)) return false;
  if (Array.isArray(node.params) && node.params.some((p) => isObject(p) && p.name === name)) return true;
  return Object.values(node).some((v) => (Array.isArray(v) ? v.some((x) => declaresParam(x, name)) : declaresParam(v, name)));
}

/**
 * The spec as embedded in the HTML page: a copy (the caller's spec and the .vl.json files stay as
 * they are) in which clicking a target in the legend keeps that target opaque and fades the
 * others (shift-click adds targets, double-click clears). Applied to every unit that colours by
 * `target` and sets no opacity of its own; a spec without such a unit is returned unchanged.
 */
export function interactiveSpec(spec: TopLevelSpec): TopLevelSpec {
  const copy = structuredClone(spec) as unknown as Json;
  const units = unitSpecs(copy).filter((u) => {
    const color = (u.encoding as Json).color;
    return isObject(color) && color.field === 'target';
  });
  if (units.length === 0 || declaresParam(copy, PICK_PARAM)) return copy as unknown as TopLevelSpec;
  const first = units[0]!;
  first.params = [...(Array.isArray(first.params) ? first.params : []), { name: PICK_PARAM, select: { type: 'point', fields: ['target'] }, bind: 'legend' }];
  for (const u of units) {
    const encoding = u.encoding as Json;
    encoding.opacity ??= { condition: { param: PICK_PARAM, value: 1 }, value: FADED };
  }
  return copy as unknown as TopLevelSpec;
}

/** Font of the page, used by the charts too so labels match the surrounding text. */
export const PAGE_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';

/** The chart figures; each container is filled by the boot script. */
export function chartFigures(charts: readonly HtmlChart[]): string {
  if (charts.length === 0) return '<p class="muted">No charts for this run.</p>';
  return charts
    .map(
      (c, i) => `<figure class="card chart-card" id="chart-${esc(c.stem)}">
  <div class="chart" id="chart-container-${i}" data-chart="${esc(c.stem)}" data-embed="pending" role="img" aria-label="${esc(c.title)}"><p class="muted chart-pending">Drawing chart “${esc(c.title)}”…</p></div>
  <noscript><p class="muted">This chart needs JavaScript; the same chart is in charts/${esc(c.stem)}.svg and .png.</p></noscript>
</figure>`,
    )
    .join('\n');
}

/** The specs as a JSON data block, read by the boot script. */
export function chartData(charts: readonly HtmlChart[]): string {
  const specs = charts.map((c) => {
    const spec = interactiveSpec(c.spec) as unknown as Json;
    return { stem: c.stem, title: c.title, spec: { ...spec, config: { font: PAGE_FONT, ...(isObject(spec.config) ? spec.config : {}) } } };
  });
  return `<script type="application/json" id="pathbench-charts">${jsonForScript(specs)}</script>`;
}

/**
 * Embeds every chart with vega-embed (SVG renderer, default tooltip handler, export actions only:
 * the editor and source actions are off because they would leave the page). Each container gets
 * data-embed="done" or "error" when its embed settles, and <body> gets data-charts="done" once
 * all have, so a test can wait for it.
 */
export const BOOT_SCRIPT = `(function () {
  'use strict';
  var charts = JSON.parse(document.getElementById('pathbench-charts').textContent);
  var options = { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
  var jobs = charts.map(function (c, i) {
    var el = document.getElementById('chart-container-' + i);
    el.textContent = '';
    var embed = typeof vegaEmbed === 'function' ? vegaEmbed(el, c.spec, options) : Promise.reject(new Error('the chart library did not load'));
    return embed.then(
      function () { el.setAttribute('data-embed', 'done'); },
      function (err) {
        el.setAttribute('data-embed', 'error');
        var p = document.createElement('p');
        p.className = 'chart-error';
        p.textContent = 'Chart “' + c.title + '” could not be drawn: ' + (err && err.message ? err.message : String(err));
        el.appendChild(p);
        console.error(err);
      }
    );
  });
  Promise.all(jobs).then(function () { document.body.setAttribute('data-charts', 'done'); });
})();`;
