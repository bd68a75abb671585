import { existsSync } from 'node:fs';
import { readFile, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main as aggregate } from '../../stages/aggregate.js';
import { main as exportRun } from '../../stages/export.js';
import { main as measure } from '../../stages/measure.js';
import { main as provision } from '../../stages/provision.js';
import { main as render } from '../../stages/render.js';
import { main as report } from '../../stages/report.js';
import { main as runs } from '../../stages/runs.js';
import { main as seed } from '../../stages/seed.js';
import { main as validate } from '../../stages/validate.js';
import { main as warmup } from '../../stages/warmup.js';
import { CSV_COLUMNS, csvField } from '../../lib/pipeline/export.js';
import { openStore } from '../../lib/store/open.js';
import { writeSweepLevel } from '../../lib/store/sweep.js';
import { levelClientLoadColumns } from '../../lib/store/level-client-load.js';
import { captureOutput } from '../helpers/capture.js';
import { tmpProfile, type TmpProfile } from '../helpers/tmp-profile.js';

/** RFC 4180 reader, enough for the export's own output (quoted fields may hold commas, quotes, newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

/**
 * Run management on the embedded targets: `make runs`, `make report RUN=…` and `make export RUN=…`
 * all work from the SQLite store alone, with the engine's data deleted.
 */
describe('make runs / report / export', () => {
  let p: TmpProfile;
  let args: string[];
  let r1: string;
  let r2: string;

  const run = async (stage: (argv: string[]) => Promise<number>, extra: string[] = []) => {
    const { result, stderr, stdout } = await captureOutput(() => stage([...args, ...extra]));
    return { code: result, stderr, stdout };
  };
  const storeQuery = async <T>(sql: string, params: string[] = []) => {
    const db = await openStore(p.store);
    try {
      return await db.all<T>(sql, params);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    p = await tmpProfile();
    args = ['--config', p.config];
    for (const stage of [provision, validate, seed, warmup, measure, aggregate, render, measure]) {
      const r = await run(stage);
      expect(r.code, r.stderr).toBe(0);
    }
    const ids = await storeQuery<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'measure' ORDER BY created_at, rowid");
    [r1, r2] = ids.map((x) => x.run_id) as [string, string];
    // From here on there is no database at all: only the SQLite store.
    await rm(p.reports, { recursive: true, force: true });
    await rm(p.dataDir, { recursive: true, force: true });
  });

  it('an empty store lists no runs and says how to make one', async () => {
    const q = await tmpProfile();
    const { result, stdout } = await captureOutput(() => runs(['--config', q.config]));
    expect(result).toBe(0);
    expect(stdout).toMatch(/no runs in .* yet: `make all`/);
  });

  it('lists every run with its kind, status, scale and samples', async () => {
    const r = await run(runs);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Run\s+\| Created \(UTC\)\s+\| Kind\s+\| Status\s+\| Profile\s+\| Targets\s+\| Scale\s+\| Samples \| Measured \| Aggregated$/);
    const all = await storeQuery<{ run_id: string; kind: string; n: number }>(
      'SELECT r.run_id, r.kind, (SELECT count(*) FROM samples s WHERE s.run_id = r.run_id) AS n FROM runs r',
    );
    expect(all).toHaveLength(3); // one warmup run, two measurement runs
    for (const x of all) {
      const line = lines.find((l) => l.startsWith(x.run_id + ' '))!;
      expect(line, x.run_id).toBeDefined();
      const cells = line.split('|').map((c) => c.trim());
      expect(cells[2]).toBe(x.kind);
      expect(cells[3]).toBe('complete');
      expect(cells[4]).toBe('test');
      expect(cells[5]).toBe('pglite,pglite-wire');
      expect(cells[6]).toBe('small 300×16');
      expect(cells[7]).toBe(x.n.toLocaleString('en-US'));
    }
    const cellsOf = (id: string) => lines.find((l) => l.startsWith(id + ' '))!.split('|').map((c) => c.trim());
    expect(cellsOf(r1)[8]).toBe('192');
    expect(cellsOf(r1)[9]).toBe('yes');
    expect(cellsOf(r2)[9]).toBe('no');
    expect(r.stdout).toContain('3 run(s), 2 complete measurement run(s)');
  });

  it('report RUN re-renders a past run offline, aggregating it first when needed', async () => {
    // r2 was never aggregated.
    const r = await run(report, ['--run', r2]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`run ${r2}: no aggregates yet; aggregating from its raw samples`);
    expect(r.stdout).toContain(`pathbench report ${r2}`);
    for (const f of ['results.json', 'table.txt', 'index.html']) expect(existsSync(join(p.reports, r2, f)), f).toBe(true);
    expect(await readlink(join(p.reports, 'latest'))).toBe(r2);

    // r1 was aggregated by the pipeline: report only renders, and gives what aggregate + render give.
    const r1Report = await run(report, ['--run', r1]);
    expect(r1Report.code, r1Report.stderr).toBe(0);
    expect(r1Report.stderr).not.toContain('aggregating');
    const viaReport = await readFile(join(p.reports, r1, 'results.json'), 'utf8');
    expect((await run(aggregate, ['--run', r1])).code).toBe(0);
    expect((await run(render, ['--run', r1])).code).toBe(0);
    expect(await readFile(join(p.reports, r1, 'results.json'), 'utf8')).toBe(viaReport);
    expect(JSON.parse(viaReport).results.pglite.queries_executed).toBe(96);
  });

  it('report of an unknown run names it and exits 2', async () => {
    const r = await run(report, ['--run', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--run nope: no such measurement run');
  });

  it('export RUN writes samples.csv (every stored sample, with phase and a header) and aggregates.json', async () => {
    const r = await run(exportRun, ['--run', r1]);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(p.reports, r1, 'export');
    const rows = parseCsv(await readFile(join(dir, 'samples.csv'), 'utf8'));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const [stored] = await storeQuery<{ n: number; warm: number; ok: number }>(
      "SELECT count(*) AS n, sum(phase = 'warmup') AS warm, sum(ok) AS ok FROM samples WHERE run_id = ?", [r1],
    );
    const body = rows.slice(1);
    expect(body.length).toBe(stored!.n);
    expect(body.filter((x) => x[4] === 'warmup').length).toBe(stored!.warm);
    expect(body.filter((x) => x[4] === 'measure').length).toBe(192);
    expect(body.filter((x) => x[9] === '1').length).toBe(stored!.ok);
    expect(body.every((x) => x.length === CSV_COLUMNS.length && x[0] === r1)).toBe(true);
    // elapsed_ns exactly as stored.
    const [first] = await storeQuery<{ elapsed_ns: number }>('SELECT elapsed_ns FROM samples WHERE run_id = ? ORDER BY rowid LIMIT 1', [r1]);
    expect(Number(body[0]![7])).toBe(first!.elapsed_ns);

    const agg = JSON.parse(await readFile(join(dir, 'aggregates.json'), 'utf8'));
    expect(agg.run.run_id).toBe(r1);
    expect(agg.aggregates.length).toBe(2 * (8 + 3 + 1));
    expect(agg.latency_spectrum.length).toBeGreaterThan(0);
    expect(r.stderr).toContain(`${stored!.n.toLocaleString('en-US')} samples`);

    // A later re-render of the run keeps the export.
    expect((await run(report, ['--run', r1])).code).toBe(0);
    expect(existsSync(join(dir, 'samples.csv'))).toBe(true);
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField(null)).toBe('');
    expect(csvField(12)).toBe('12');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"\nnext')).toBe('"say ""x""\nnext"');
    expect(parseCsv(`a,${csvField('x,"y"\nz')},c\n`)).toEqual([['a', 'x,"y"\nz', 'c']]);
  });
  it('export also writes the raw rows of the post-measurement modes the run has (here a concurrency sweep), and their aggregates', async () => {
    // A sweep level of two clients stored for r2 through the store's own writer, as measure would.
    const db = await openStore(p.store);
    try {
      const sample = (client: number, start: number, ok: 0 | 1) => ({
        run_id: r2, target: 'pglite', concurrency: 2, client, query_id: 'simple_count', category: 'simple', start_ns: start, elapsed_ns: 2_000_000, ok, error: ok ? null : 'boom, "quoted"',
      });
      const load = { cpu_cores: 0.42, event_loop_delay_p50_ms: 0.1, event_loop_delay_p99_ms: 1.5, event_loop_delay_max_ms: 2.25, event_loop_samples: 3, wall_s: 0.005 };
      await writeSweepLevel(db, { run_id: r2, target: 'pglite', concurrency: 2, wall_ns: 5_000_000, concurrent_sessions: 0, ...levelClientLoadColumns(load, true) }, [sample(0, 0, 1), sample(1, 1_000_000, 0)]);
    } finally {
      await db.close();
    }
    expect((await run(aggregate, ['--run', r2])).code).toBe(0);
    const r = await run(exportRun, ['--run', r2]);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(p.reports, r2, 'export');
    const samples = parseCsv(await readFile(join(dir, 'sweep_samples.csv'), 'utf8'));
    expect(samples[0]).toEqual(['run_id', 'target', 'concurrency', 'client', 'query_id', 'category', 'start_ns', 'elapsed_ns', 'ok', 'error']);
    expect(samples.slice(1)).toEqual([
      [r2, 'pglite', '2', '0', 'simple_count', 'simple', '0', '2000000', '1', ''],
      [r2, 'pglite', '2', '1', 'simple_count', 'simple', '1000000', '2000000', '0', 'boom, "quoted"'],
    ]);
    // with the level's client load (columns as in the store)
    expect(parseCsv(await readFile(join(dir, 'sweep_levels.csv'), 'utf8'))).toEqual([
      ['run_id', 'target', 'concurrency', 'wall_ns', 'concurrent_sessions', 'client_cpu_cores', 'client_loop_delay_p50_ms', 'client_loop_delay_p99_ms', 'client_loop_delay_max_ms', 'client_loop_samples', 'client_wall_s', 'client_in_process'],
      [r2, 'pglite', '2', '5000000', '0', '0.42', '0.1', '1.5', '2.25', '3', '0.005', '1'],
    ]);
    expect(existsSync(join(dir, 'ef_search_samples.csv'))).toBe(false); // the run had no ef_search sweep
    expect(existsSync(join(dir, 'open_loop_samples.csv'))).toBe(false);
    const agg = JSON.parse(await readFile(join(dir, 'aggregates.json'), 'utf8'));
    expect(agg.concurrency_sweep.find((x: { scope: string }) => x.scope === 'all')).toMatchObject({ target: 'pglite', concurrency: 2, count: 2, failed: 1 });
    expect(agg.ef_search_sweep).toEqual({ points: [], matched: [] });
    expect(r.stderr).toContain('sweep_samples.csv (2 rows)');
  });
});
