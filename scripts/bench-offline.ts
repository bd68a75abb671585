/**
 * `make bench-offline`: are big runs cheap to analyse? Synthesises a complete run with
 * 1,000,000 measured samples (scripts/synthetic-run.ts: 3 targets × the 8 queries, log-normal
 * latencies, a few failures, verifications, a concurrency sweep, an ef_search sweep and open-loop
 * rate levels, so that every chart is drawn) in a store of its own, then runs
 * the real `aggregate` and `render` stages on it, each in a child process as `make` would, with
 * a temporary profile pointing at that store and a temporary reports directory.
 *
 * Prints each stage's wall time (spawn to exit, so Node start-up and module loading count; the
 * stages run compiled from build/, as `make aggregate render` runs them),
 * its CPU time (user + system, all threads — on a shared machine the steadier figure) and peak
 * memory: the child's own `process.resourceUsage().maxRSS` (kernel ru_maxrss, KiB),
 * written at exit by scripts/peak-rss.mjs — the peak of that process, not a sampled value.
 * Goal: aggregate + render ≤ 10 s and ≤ 1 GB peak on a 2-core machine.
 *
 * Flags: --samples N (default 1,000,000; rounded to whole iterations), --repeat R (re-run the two
 * stages R times on the same store, default 1), --keep (leave the temporary directory).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT } from '../lib/env/package-version.js';
import { openStore } from '../lib/store/open.js';
import { QUERIES } from '../lib/workload/queries.js';
import { writeSyntheticRun } from './synthetic-run.js';

const GOAL_S = 10;
const GOAL_BYTES = 2 ** 30;
const TARGETS = ['postgres', 'pglite', 'pglite-wire'];

const { values: flags } = parseArgs({ options: { samples: { type: 'string', default: '1000000' }, repeat: { type: 'string', default: '1' }, keep: { type: 'boolean', default: false } } });
const wanted = Number(flags.samples);
const repeat = Number(flags.repeat);
if (!(Number.isInteger(wanted) && wanted >= QUERIES.length * TARGETS.length)) throw new Error(`--samples: a whole number ≥ ${QUERIES.length * TARGETS.length} expected, got ${flags.samples}`);
if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat: a whole number ≥ 1 expected, got ${flags.repeat}`);

/** The stage as `make` runs it: compiled by `make build` (a prerequisite of `make bench-offline`). */
function stageScript(stage: string): string {
  const file = resolve(PROJECT_ROOT, `build/stages/${stage}.js`);
  if (!existsSync(file)) throw new Error(`${file} not found: run \`make build\` (or \`make bench-offline\`, which builds first)`);
  return file;
}

interface StageRun { seconds: number; peakKiB: number; cpuSeconds: number; }

async function runStage(stage: string, profile: string, dir: string): Promise<StageRun> {
  const rssFile = join(dir, `rss-${stage}-${Date.now()}`);
  const t0 = process.hrtime.bigint();
  const code = await new Promise<number | null>((ok, fail) => {
    const child = spawn(process.execPath, ['--import', resolve(PROJECT_ROOT, 'scripts/peak-rss.mjs'), stageScript(stage), '--config', profile], {
      cwd: PROJECT_ROOT, env: { ...process.env, PB_PEAK_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (b: Buffer) => process.stderr.write(`  ${b.toString().trimEnd().replaceAll('\n', '\n  ')}\n`));
    child.on('error', fail);
    child.on('exit', (c) => ok(c));
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`${stage} exited with ${code}`);
  const [peakKiB, cpuMicros] = (await readFile(rssFile, 'utf8')).trim().split(' ').map(Number) as [number, number];
  return { seconds, peakKiB, cpuSeconds: cpuMicros / 1e6 };
}

const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-offline-'));
  try {
    const iterations = Math.round(wanted / (QUERIES.length * TARGETS.length));
    const profile = join(dir, 'profile.yaml');
    // A production-scale profile of three targets with a concurrency sweep, as config/local.yaml
    // would be for a long run; store and reports in the temporary directory.
    const base = {
      profile: 'bench-offline', scale: 'production', vector_dims: 1024, dataset_size: 100_000, iterations, warmup: 20, seed: 42, k: 5,
      query_vector_pool: 100, concurrency: [1, 2, 4, 8], sweep_requests: 100, targets: TARGETS,
      ef_search: [10, 20, 40, 80, 160, 320], ef_search_requests: 100, rate: [50, 100, 200, 400], rate_duration_s: 5,
      target_options: { postgres: { provision: 'existing', host: '127.0.0.1', port: 5433, database: 'benchmark', user: 'postgres', password_env: 'PB_PG_PASSWORD' }, pglite: { data_dir: join(dir, 'pglite') }, 'pglite-wire': { data_dir: join(dir, 'pglite'), port: 0 } },
      store: join(dir, 'bench.sqlite'), reports_dir: join(dir, 'reports'),
    };
    await writeFile(profile, stringify(base));
    const config = await loadConfig(profile);
    const t0 = Date.now();
    const db = await openStore(config.store);
    let last = 0;
    const { runId, samples } = await writeSyntheticRun(db, {
      config,
      log: (m) => {
        if (Date.now() - last > 5000) (last = Date.now(), process.stderr.write(`  ${m}\n`));
      },
    });
    await db.close();
    console.log(`synthetic run ${runId}: ${samples.toLocaleString('en-US')} measured samples (${TARGETS.length} targets × ${QUERIES.length} queries × ${iterations.toLocaleString('en-US')} iterations, sweep ${base.concurrency.join('/')}, ef_search ${base.ef_search.join('/')}, rates ${base.rate.join('/')}/s) written in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${config.store}`);

    const results: { aggregate: StageRun; render: StageRun }[] = [];
    for (let r = 0; r < repeat; r++) {
      const aggregate = await runStage('aggregate', profile, dir);
      const render = await runStage('render', profile, dir);
      results.push({ aggregate, render });
      const total = aggregate.seconds + render.seconds;
      const peak = Math.max(aggregate.peakKiB, render.peakKiB);
      const ok = total <= GOAL_S && peak * 1024 <= GOAL_BYTES;
      console.log(
        `run ${r + 1}/${repeat}: aggregate ${aggregate.seconds.toFixed(2)} s (CPU ${aggregate.cpuSeconds.toFixed(2)} s, peak ${mib(aggregate.peakKiB)}), ` +
          `render ${render.seconds.toFixed(2)} s (CPU ${render.cpuSeconds.toFixed(2)} s, peak ${mib(render.peakKiB)}) → ` +
          `${total.toFixed(2)} s wall, ${(aggregate.cpuSeconds + render.cpuSeconds).toFixed(2)} s CPU, peak ${mib(peak)}: ${ok ? 'goal met' : 'GOAL NOT MET'} (≤ ${GOAL_S} s wall, ≤ 1 GiB)`,
      );
    }
    const html = await readFile(join(base.reports_dir, runId, 'index.html'));
    console.log(`report: index.html ${(html.length / 1024).toFixed(0)} KiB${flags.keep ? ` in ${join(base.reports_dir, runId)}` : ''}`);
    const worst = results.reduce((w, r) => Math.max(w, r.aggregate.seconds + r.render.seconds), 0);
    const worstPeak = results.reduce((w, r) => Math.max(w, r.aggregate.peakKiB, r.render.peakKiB), 0);
    process.exitCode = worst <= GOAL_S && worstPeak * 1024 <= GOAL_BYTES ? 0 : 1;
  } finally {
    if (!flags.keep) await rm(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

await main();
