import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Chart export: Vega-Lite spec → Vega → SVG (headless Vega view) → PNG (resvg).
 *
 * Fonts: resvg draws text only with font files it can load; with none, every label silently
 * disappears from the PNG. The spec therefore names a family that exists on Debian (DejaVu Sans,
 * package fonts-dejavu-core) and resvg gets both the system fonts and, when present, the DejaVu
 * files explicitly. Vega's headless text measurement (no canvas installed) only estimates widths,
 * so layouts are given some slack rather than measured to the pixel.
 */

export const CHART_FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';
const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
/** PNGs at 2× the SVG size, legible when embedded in reports and on high-DPI screens. */
const PNG_ZOOM = 2;

function dejavuFiles(): string[] {
  if (!existsSync(DEJAVU_DIR)) return [];
  return readdirSync(DEJAVU_DIR)
    .filter((f) => f.endsWith('.ttf'))
    .map((f) => join(DEJAVU_DIR, f));
}

/** The spec as rendered: the caller's spec with the export font filled in (caller's config wins). */
export function withExportConfig(spec: TopLevelSpec): TopLevelSpec {
  return { ...spec, config: { font: CHART_FONT, background: 'white', ...spec.config } } as TopLevelSpec;
}

export async function renderChart(spec: TopLevelSpec): Promise<{ vegaLite: TopLevelSpec; svg: string; png: Buffer }> {
  const vegaLite = withExportConfig(spec);
  const view = new View(parse(compile(vegaLite).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_ZOOM },
    font: { loadSystemFonts: true, fontFiles: dejavuFiles(), defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return { vegaLite, svg, png: resvg.render().asPng() };
}

/** Writes <stem>.vl.json, <stem>.svg and <stem>.png into dir (created if missing); returns their paths. */
export async function writeChartFiles(dir: string, stem: string, spec: TopLevelSpec): Promise<string[]> {
  const { vegaLite, svg, png } = await renderChart(spec);
  await mkdir(dir, { recursive: true });
  const files: [string, string | Buffer][] = [
    [join(dir, `${stem}.vl.json`), `${JSON.stringify(vegaLite, null, 2)}\n`],
    [join(dir, `${stem}.svg`), svg],
    [join(dir, `${stem}.png`), png],
  ];
  for (const [path, body] of files) await writeFile(path, body);
  return files.map(([path]) => path);
}
