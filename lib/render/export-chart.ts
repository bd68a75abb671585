import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg, renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
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

const resvgOptions = (): ResvgRenderOptions => ({
  fitTo: { mode: 'zoom', value: PNG_ZOOM },
  font: { loadSystemFonts: true, fontFiles: dejavuFiles(), defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
});

/** The Vega-Lite spec as exported, and its SVG (headless Vega view, on this thread). */
async function renderSvg(spec: TopLevelSpec): Promise<{ vegaLite: TopLevelSpec; svg: string }> {
  const vegaLite = withExportConfig(spec);
  const view = new View(parse(compile(vegaLite).spec), { renderer: 'none' });
  try {
    return { vegaLite, svg: await view.toSVG() };
  } finally {
    view.finalize();
  }
}

export async function renderChart(spec: TopLevelSpec): Promise<{ vegaLite: TopLevelSpec; svg: string; png: Buffer }> {
  const { vegaLite, svg } = await renderSvg(spec);
  return { vegaLite, svg, png: new Resvg(svg, resvgOptions()).render().asPng() };
}

/** Writes <stem>.vl.json, <stem>.svg and <stem>.png into dir (created if missing); returns their paths. */
export async function writeChartFiles(dir: string, stem: string, spec: TopLevelSpec): Promise<string[]> {
  const writer = new ChartWriter();
  const paths = await writer.write(dir, stem, spec);
  await writer.finish();
  return paths;
}

/**
 * Writes charts as writeChartFiles does, but rasterises each PNG on the libuv pool (resvg's
 * renderAsync) while the next chart's Vega work runs on this thread; `finish()` waits for every
 * PNG and throws the first failure. Nothing is complete before `finish()` resolves.
 */
export class ChartWriter {
  readonly #pending: Promise<void>[] = [];
  readonly #errors: unknown[] = [];

  async write(dir: string, stem: string, spec: TopLevelSpec): Promise<string[]> {
    const { vegaLite, svg } = await renderSvg(spec);
    await mkdir(dir, { recursive: true });
    const paths = [join(dir, `${stem}.vl.json`), join(dir, `${stem}.svg`), join(dir, `${stem}.png`)] as const;
    await writeFile(paths[0], `${JSON.stringify(vegaLite, null, 2)}\n`);
    await writeFile(paths[1], svg);
    // The failure is kept (not left unhandled) until finish().
    this.#pending.push(
      renderAsync(svg, resvgOptions())
        .then((image) => writeFile(paths[2], image.asPng()))
        .catch((err: unknown) => void this.#errors.push(new Error(`chart ${stem}: PNG: ${err instanceof Error ? err.message : String(err)}`))),
    );
    return [...paths];
  }

  async finish(): Promise<void> {
    await Promise.all(this.#pending.splice(0));
    if (this.#errors.length) throw this.#errors[0];
  }
}
