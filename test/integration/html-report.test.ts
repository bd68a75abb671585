import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/load.js';
import { CHARTS } from '../../lib/render/charts/index.js';
import { writeHtmlReport } from '../../lib/render/html/html-report.js';
import type { ReportData } from '../../lib/render/report-data.js';
import { SPECTRUM_QUANTILES } from '../../lib/stats/latency-summary.js';
import type { AggregateRow, SpectrumRow } from '../../lib/store/aggregates.js';
import { QUERIES } from '../../lib/workload/queries.js';

/**
 * reports/<run>/index.html opened in a real headless Chromium from file://: it must draw every
 * chart with the inlined Vega runtime, log no error, request nothing but itself, and show the
 * summary tables and the below-production-scale notice. A screenshot is left in the OS temp dir.
 */

const CHROMIUM = '/usr/bin/chromium';
const RUN_ID = '20261129-203628-4ccf';
const TARGETS = ['pglite', 'pglite-wire'] as const;
/** Would load an image from the network, and set a flag, if the page did not escape config values. */
const INJECTION = '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned=1">';
const PRE_BREAKOUT = '</pre><script>window.__pwned=2</script>';

/** Per query: p50 / p95 / p99 / mean (ms) on pglite; pglite-wire is slower by `wire` ms. */
const QUERY_FIGURES: Record<string, { p50: number; p95: number; p99: number; mean: number; wire: number }> = {
  simple_select_all: { p50: 1.9, p95: 2.7, p99: 3.3, mean: 2.0, wire: 0.2 },
  simple_select_id: { p50: 1.6, p95: 2.3, p99: 2.9, mean: 1.7, wire: 0.15 },
  simple_count: { p50: 1.9, p95: 2.8, p99: 3.4, mean: 2.0, wire: 0.15 },
  vector_cosine: { p50: 3.1, p95: 4.4, p99: 5.2, mean: 3.3, wire: 0.4 },
  vector_l2: { p50: 107.4, p95: 118.3, p99: 122.9, mean: 108.1, wire: 0.5 },
  vector_inner_product: { p50: 186.9, p95: 198.3, p99: 202.9, mean: 188.0, wire: 0.9 },
  join: { p50: 4.1, p95: 8.9, p99: 10.2, mean: 4.6, wire: 0.8 },
  vector_filter: { p50: 5.4, p95: 9.9, p99: 11.9, mean: 5.9, wire: 0.9 },
};
const CATEGORY_FIGURES: Record<string, { p50: number; p95: number; p99: number; qps: number }> = {
  simple: { p50: 1.822, p95: 2.625, p99: 3.261, qps: 586.8 },
  vector_similarity: { p50: 107.443, p95: 198.311, p99: 202.938, qps: 10.9 },
  complex_join: { p50: 4.791, p95: 9.522, p99: 11.189, qps: 213.9 },
  all: { p50: 4.915, p95: 190.69, p99: 200.364, qps: 27.6 },
};
const ITERATIONS = 200;

function aggregate(target: string, level: AggregateRow['level'], key: string, category: string, f: { p50: number; p95: number; p99: number }, count: number, failed: number, qps: number): AggregateRow {
  const slow = target === 'pglite-wire' ? 1.08 : 1;
  const mean = f.p50 * 1.1 * slow;
  return {
    run_id: RUN_ID, target, level, key, category, count, failed,
    mean_ms: mean, p50_ms: f.p50 * slow, p95_ms: f.p95 * slow, p99_ms: f.p99 * slow,
    min_ms: f.p50 * 0.5, max_ms: f.p99 * 1.2 * slow, qps: qps / slow, qps_wall: (qps / slow) * 0.93,
    p50_low: f.p50 * slow * 0.95, p50_high: f.p50 * slow * 1.05,
  };
}

function aggregates(): AggregateRow[] {
  const rows: AggregateRow[] = [];
  for (const t of TARGETS) {
    // pglite-wire lost two join requests: the failures section must list them.
    const failedOf = (q: string) => (t === 'pglite-wire' && q === 'join' ? 2 : 0);
    for (const q of QUERIES) {
      const f = QUERY_FIGURES[q.id]!;
      const w = t === 'pglite-wire' ? f.wire : 0;
      rows.push({
        ...aggregate(t, 'query', q.id, q.category, { p50: f.p50 + w, p95: f.p95 + w, p99: f.p99 + w }, ITERATIONS, failedOf(q.id), 1000 / (f.mean + w)),
        mean_ms: f.mean + w,
      });
    }
    for (const c of ['simple', 'vector_similarity', 'complex_join']) {
      const n = QUERIES.filter((q) => q.category === c);
      const failed = n.reduce((s, q) => s + failedOf(q.id), 0);
      rows.push(aggregate(t, 'category', c, c, CATEGORY_FIGURES[c]!, n.length * ITERATIONS, failed, CATEGORY_FIGURES[c]!.qps));
    }
    rows.push(aggregate(t, 'overall', 'all', 'all', CATEGORY_FIGURES.all!, QUERIES.length * ITERATIONS, t === 'pglite-wire' ? 2 : 0, CATEGORY_FIGURES.all!.qps));
  }
  return rows;
}

function spectrum(): SpectrumRow[] {
  const base = [0.9, 1.6, 1.9, 4.9, 58.2, 150.3, 190.7, 200.4, 203.1, 209.8, 214.6];
  return TARGETS.flatMap((t, i) => SPECTRUM_QUANTILES.map((quantile, j) => ({ run_id: RUN_ID, target: t, quantile, latency_ms: base[j]! * (1 + 0.06 * i) })));
}

function environment(): Record<string, unknown> {
  const settings = 'effective_cache_size=5242888kB, fsync=off, hnsw.ef_search=40, jit=on, maintenance_work_mem=65536kB, shared_buffers=163848kB, work_mem=4096kB';
  return {
    client: {
      pathbench: '0.1.0', node: 'v20.20.2', platform: 'Linux 6.18.44 x64', cpu_model: 'AMD EPYC', cpu_count: 2, memory_gb: 23.5,
      hostname_hash: '5bce98f7', git_commit: '1ab4e40865a4f182cefbb17b15e175c480c42645', git_dirty: false,
      packages: { pg: '8.16.3', '@electric-sql/pglite': '0.5.14', '@electric-sql/pglite-socket': '0.2.17', arquero: '8.0.3', vega: '6.2.0', 'vega-lite': '6.4.3' },
    },
    targets: {
      pglite: { description: 'PGlite 0.5.14 + pgvector, in process (data data/pglite)', driver: '@electric-sql/pglite 0.5.14', server_version: '18.6', pgvector_version: '0.8.7', settings },
      'pglite-wire': {
        description: 'pg 8.16.3 → pglite-socket 0.2.17 on 127.0.0.1:any free port → PGlite (data data/pglite)', driver: 'pg 8.16.3',
        gateway: '@electric-sql/pglite-socket 0.2.17', server_version: '18.6', pgvector_version: '0.8.7', settings,
      },
    },
    hnsw_ef_search: 40,
    vector_param_format: 'binary',
  };
}

function reportData(belowScale: boolean): ReportData {
  const profile = `embedded ${INJECTION}`;
  const config = resolveConfig(
    {
      profile, scale: belowScale ? 'small' : 'production', vector_dims: 1024, dataset_size: belowScale ? 10_000 : 100_000, iterations: ITERATIONS, warmup: 20, seed: 42,
      targets: [...TARGETS],
      target_options: { pglite: { data_dir: 'data/pglite' }, 'pglite-wire': { data_dir: 'data/pglite', host: '127.0.0.1', port: 0 } },
    },
    {},
    `config/embedded.yaml ${PRE_BREAKOUT}`,
  );
  const fingerprint = (target: string) => ({
    dataset_id: 'ds-2ca4dcf7f537', target, database_key: 'pglite:data/pglite', index_spec: 'hnsw(vector_cosine_ops, m=16, ef_construction=64)',
    row_count: config.dataset_size, metadata_count: config.dataset_size, matches: 1,
    vectors_hash: 'b6f77a8e0893ba3f954a6bd5bd19e5790377548979989c7aaa4a1b88150e4279', metadata_hash: 'ced58b060630276fe38dfa3378445233715910e6cbe66e6683320c08a6690b01',
    load_seconds: 5.84, index_seconds: 69.2, rows_per_second: 1712.3, table_bytes: 45_301_760, index_bytes: 40_960_000, seeded_at: '2026-11-29T20:33:02.118Z',
  });
  return {
    run: {
      run_id: RUN_ID, kind: 'measure', status: 'complete', error: null, created_at: '2026-11-29T20:36:28.050Z', finished_at: '2026-11-29T20:38:40.311Z',
      profile, dataset_id: 'ds-2ca4dcf7f537', seed: 42, targets_json: JSON.stringify(TARGETS), config_json: JSON.stringify(config),
      environment_json: JSON.stringify(environment()), below_production_scale: belowScale ? 1 : 0, wall_ns: 116_800_000_000,
    },
    config,
    aggregates: aggregates(),
    spectrum: spectrum(),
    fingerprints: TARGETS.map(fingerprint),
    environment: environment(),
    comparisons: [],
    overhead: [],
    noise: [],
    sweep: [],
    efSearch: { points: [], matched: [] },
    verification: [],
    warmupRequests: 320,
  };
}

/** The specs exactly as the render stage builds them. */
function specs(d: ReportData) {
  const input = { aggregates: d.aggregates, spectrum: d.spectrum, runId: d.run.run_id, belowProductionScale: d.run.below_production_scale === 1 };
  return CHARTS.map((c) => ({ stem: c.stem, title: c.title, spec: c.build(input) }));
}

interface Opened {
  page: Page;
  url: string;
  problems: string[];
  requests: string[];
  size: number;
}

describe('HTML report (index.html) in headless Chromium', () => {
  let work: string | undefined;
  let launched: Promise<BrowserContext> | undefined;

  /**
   * The browser, started on first use. A missing Chromium fails each test (not a hook, which
   * vitest would report as skipped tests).
   */
  function browser(): Promise<BrowserContext> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: the HTML report test opens the report in a real browser. Install it with \`apt-get install chromium\` (Debian package; .ci/run does this).`);
    }
    launched ??= (async () => {
      work = await mkdtemp(join(tmpdir(), 'pathbench-html-'));
      // launchPersistentContext: the only way to hand Chromium a user-data-dir; a fresh one per run.
      return chromium.launchPersistentContext(join(work, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
        viewport: { width: 1280, height: 900 },
      });
    })();
    return launched;
  }

  afterAll(async () => {
    await (await launched?.catch(() => undefined))?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function open(name: string, d: ReportData): Promise<Opened> {
    const context = await browser();
    const dir = join(work!, name);
    const path = await writeHtmlReport(dir, d, specs(d));
    const url = pathToFileURL(path).href;
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    // The boot script marks <body> once every vega-embed promise has settled.
    await page.waitForFunction(() => document.body.dataset.charts === 'done', null, { timeout: 60_000 });
    return { page, url, problems, requests, size: (await stat(path)).size };
  }

  it('draws every chart offline, shows the summary, the notice and every section, and logs no error', async () => {
    const d = reportData(true);
    const { page, url, problems, requests, size } = await open('below-scale', d);

    expect(problems).toEqual([]);
    // The answer opens the page: the first element of <main> after the run header, and the first link of the contents.
    expect(await page.$eval('main', (m) => [...m.children].find((el) => el.tagName !== 'HEADER')?.id)).toBe('the-answer');
    expect(await page.locator('nav.toc a').first().getAttribute('href')).toBe('#the-answer');
    expect(await page.locator('#the-answer').textContent()).toMatch(/simple queries\s*fastest: pglite, p50 /);
    // Nothing but the file itself: no CDN, no fonts, no source maps.
    expect(requests.filter((u) => /^https?:/i.test(u))).toEqual([]);
    expect(requests).toEqual([url]);

    // Every chart: embedded without error, a non-empty SVG with drawn marks, a legend naming both targets.
    const charts = await page.$$eval('[data-chart]', (els) =>
      els.map((el) => {
        const svg = el.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          stem: el.getAttribute('data-chart'),
          embed: el.getAttribute('data-embed'),
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks: el.querySelectorAll('svg g.role-mark > path').length,
          legend: [...el.querySelectorAll('svg g.role-legend-label text')].map((t) => t.textContent),
        };
      }),
    );
    expect(charts.map((c) => c.stem)).toEqual(CHARTS.map((c) => c.stem));
    for (const c of charts) {
      expect(c.embed, c.stem!).toBe('done');
      expect(c.width, c.stem!).toBeGreaterThan(300);
      expect(c.height, c.stem!).toBeGreaterThan(200);
      expect(c.marks, c.stem!).toBeGreaterThan(0);
      expect(c.legend, c.stem!).toEqual([...TARGETS]);
    }
    // 3 categories × 3 percentiles × 2 targets bars.
    expect(await page.locator('[data-chart="latency-percentiles"] svg g.mark-rect.role-mark > path').count()).toBe(18);

    // Summary: overall + one table per category, each with both targets, in run order.
    const tables = await page.$$eval('#summary table.results:not(.failures)', (ts) =>
      ts.map((t) => ({ caption: t.querySelector('caption')?.textContent, head: [...t.querySelectorAll('thead th')].map((h) => h.textContent), methods: [...t.querySelectorAll('tbody th')].map((h) => h.textContent) })),
    );
    expect(tables.map((t) => t.caption)).toEqual(['All queries', 'Category: simple', 'Category: vector_similarity', 'Category: complex_join']);
    for (const t of tables) {
      expect(t.head).toEqual(['Method', 'QPS', 'P50 (ms)', 'P95 (ms)', 'P99 (ms)']);
      expect(t.methods).toEqual([...TARGETS]);
    }
    expect(await page.locator('#summary table.results').first().locator('tbody tr').first().textContent()).toContain('27.6');

    const notice = page.locator('#below-scale-notice');
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain('below production scale');

    const failures = await page.locator('#summary table.failures').textContent();
    expect(failures).toContain('pglite-wire');
    expect(failures).toContain('join');

    expect(await page.locator('#data-load tbody tr').count()).toBe(2);
    const env = await page.locator('#environment').textContent();
    expect(env).toContain('v20.20.2');
    expect(env).toContain('pgvector_version');
    const config = await page.locator('#configuration pre').textContent();
    expect(config).toContain('vector_dims: 1024');

    // Config values are text, not markup.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(config).toContain(INJECTION);
    expect(config).toContain(PRE_BREAKOUT);
    expect(await page.locator('header').textContent()).toContain(INJECTION);

    // The page fits a 1280px window: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    // Screenshot of the page as it opens (before any hover or legend click).
    const shot = join(tmpdir(), 'pathbench-html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`HTML report: ${(size / 1024).toFixed(0)} KiB; screenshot: ${shot}`);

    // Tooltips: hovering a bar shows vega-tooltip's element with the bar's values.
    await page.locator('[data-chart="latency-percentiles"] svg g.mark-rect.role-mark > path').first().hover();
    const tooltip = page.locator('#vg-tooltip-element');
    await expect.poll(() => tooltip.evaluate((el) => el.classList.contains('visible')), { timeout: 5_000 }).toBe(true);
    expect(await tooltip.textContent()).toContain('latency (ms)');

    // Legend selection: clicking a target keeps its marks opaque and fades the other target's.
    const opacities = () =>
      page.$$eval('[data-chart="latency-distribution"] svg g.role-mark > path', (ps) => ps.map((p) => p.getAttribute('opacity') ?? '1'));
    expect((await opacities()).every((o) => o === '1')).toBe(true);
    await page.locator('[data-chart="latency-distribution"] svg g.role-legend-label text', { hasText: /^pglite-wire$/ }).click();
    await expect.poll(async () => (await opacities()).filter((o) => Number(o) < 0.5).length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect((await opacities()).some((o) => o === '1')).toBe(true);
    await page.mouse.move(0, 0);

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });

  it('shows no below-scale notice at production scale, and escapes everything in the file', async () => {
    const d = reportData(false);
    const { page, problems, requests, url } = await open('production', d);
    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.locator('#below-scale-notice').count()).toBe(0);
    expect(await page.locator('[data-chart][data-embed="done"]').count()).toBe(CHARTS.length);
    await page.close();

    const html = await readFile(join(work!, 'production', 'index.html'), 'utf8');
    expect(html).not.toContain(INJECTION);
    expect(html).not.toContain(PRE_BREAKOUT);
    // Outside the inlined scripts (whose bodies cannot contain "</script"), no attribute points
    // anywhere but into the page itself.
    const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>');
    const tags = markup.match(/<[a-z][^>]*>/gi) ?? [];
    const urls = tags.flatMap((t) => [...t.matchAll(/\s(?:src|href|action|srcset|poster|data)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi)].map((m) => m[1]!.replace(/^["']|["']$/g, '')));
    expect(urls.length).toBeGreaterThan(0); // the section links
    expect(urls.filter((u) => !u.startsWith('#'))).toEqual([]);
    expect(markup.match(/<(link|iframe|object|embed|base)\b[^>]*>/gi) ?? []).toEqual([]);
    expect(markup.match(/<script\b[^>]*\bsrc\b[^>]*>/gi) ?? []).toEqual([]);
  });
});
