import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scriptSafe } from './escape.js';

/**
 * The chart runtime of the HTML report, read from node_modules and inlined as <script> contents,
 * so the page works offline and fetches nothing when viewed: the UMD builds of Vega, Vega-Lite
 * and vega-embed, in dependency order (each one reads the globals the previous ones define:
 * `vega`, `vegaLite`, `vegaEmbed`).
 */

export interface InlineAsset {
  pkg: string;
  version: string;
  /** Script body, already safe to place inside <script>…</script>. */
  source: string;
}

/** Package → its minified UMD build, relative to the directory of the package's main entry. */
const ASSETS: readonly { pkg: string; file: string }[] = [
  { pkg: 'vega', file: 'vega.min.js' },
  { pkg: 'vega-lite', file: 'vega-lite.min.js' },
  { pkg: 'vega-embed', file: 'vega-embed.min.js' },
];

const require = createRequire(import.meta.url);

async function readAsset(pkg: string, file: string): Promise<InlineAsset> {
  // Each package's main entry lives in build/, next to its UMD bundle; package.json one level up.
  // (The packages' "exports" maps do not expose the UMD files, so they are located from the entry.)
  const buildDir = dirname(require.resolve(pkg));
  const { version } = JSON.parse(await readFile(join(buildDir, '..', 'package.json'), 'utf8')) as { version: string };
  let source: string;
  try {
    source = await readFile(join(buildDir, file), 'utf8');
  } catch (err) {
    throw new Error(`HTML report: cannot read ${pkg}/build/${file} (${(err as Error).message}); run npm ci`);
  }
  return { pkg, version, source: scriptSafe(source) };
}

let cached: Promise<InlineAsset[]> | undefined;

/** The runtime scripts, read once per process. */
export function chartRuntime(): Promise<InlineAsset[]> {
  cached ??= Promise.all(ASSETS.map((a) => readAsset(a.pkg, a.file))).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
