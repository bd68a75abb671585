/**
 * `make bench-harness`: does the harness disturb what it measures? `SELECT 1` through
 *   harness — runPhase (lib/measure/run-phase.ts), the measure stage's own loop, over the same
 *             Session code the pg targets use (pgvectorServerSession → pgQuery), every sample
 *             stored through its flush callback;
 *   bare    — lib/measure/bare-loop.ts: clock, `await client.query({ text, rowMode: 'array' })`,
 *             clock — what a user writes by hand with pg for the same statement (same simple
 *             protocol, same array-mode row parsing);
 * on the SAME pg connection in one process. Blocks of --block-size calls run in pairs in ABBA
 * order after --warmup-pairs discarded pairs (JIT). Per pair: harness p50 / bare p50 and
 * bare QPS / harness QPS (QPS = calls ÷ the block's wall time), so > 1 means the harness is worse.
 * Printed: the median of each ratio over the pairs with a seeded 95 % percentile-bootstrap CI,
 * the order effect (second block of a pair vs the first, whichever loop) and a verdict against
 * the goal "the harness adds < 5 %": met (whole CI below 1.05), NOT met (whole CI above),
 * inconclusive (CI straddles it).
 *
 * Server: pglite-wire's in-process socket server by default; `--targets postgres` uses the
 * postgres target of --config (default config/local.yaml) with the measure stage's connection
 * settings (its statement watchdog included), so both loops pay whatever the connection costs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScriptFlags } from '../lib/cli/script-flags.js';
import type pg from 'pg';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT } from '../lib/env/package-version.js';
import { ExitCode, PathbenchError, errorText } from '../lib/errors.js';
import { abbaBlocks } from '../lib/measure/abba-blocks.js';
import { bareLoop } from '../lib/measure/bare-loop.js';
import { runPhase } from '../lib/measure/run-phase.js';
import type { OpenTarget } from '../lib/pipeline/targets.js';
import { combineVerdicts, distinguishableFromNone, overheadVerdict, pairRatios, summarizeRatios, type RatioSummary } from '../lib/stats/paired-ratios.js';
import { quantileSorted } from '../lib/stats/quantile.js';
import { connectPg, type StatementWatch } from '../lib/targets/pg-session.js';
import { pgvectorServerSession } from '../lib/targets/pgvector-sql/server-session.js';
import { acquireEngine } from '../lib/targets/pglite/engine.js';
import { connectionConfig, statementWatch } from '../lib/targets/postgres/index.js';
import type { PostgresOptions } from '../lib/targets/postgres/options.js';
import { loadTarget } from '../lib/targets/registry.js';
import { QUERIES } from '../lib/workload/queries.js';

const GOAL = 0.05;
const SEED = 42;
const USAGE = `usage: make bench-harness ARGS="[--targets pglite-wire|postgres] [--config FILE] [--pairs N] [--block-size N] [--warmup-pairs N] [--verbose]"
  --targets       server: pglite-wire (default, in process) or postgres (the postgres target of --config)
  --config        profile for --targets postgres (default config/local.yaml)
  --pairs         measured ABBA pairs (default 40)
  --block-size    SELECT 1 calls per block (default 1000)
  --warmup-pairs  discarded pairs before measuring (default 3)
  --verbose       print every pair`;

interface Args {
  target: 'pglite-wire' | 'postgres';
  config: string;
  pairs: number;
  blockSize: number;
  warmupPairs: number;
  verbose: boolean;
}

function parse(argv: string[]): Args | 'help' {
  const f = ScriptFlags.parse(argv, ['targets', 'config', 'pairs', 'block-size', 'warmup-pairs'], USAGE, 'bench-harness', ['verbose']);
  if (f === 'help') return 'help';
  const target = f.values.targets ?? 'pglite-wire';
  if (target !== 'pglite-wire' && target !== 'postgres') f.problems.push(`--targets: expected pglite-wire or postgres (one server), got "${target}"`);
  const a = { target: target as Args['target'], config: f.values.config ?? 'config/local.yaml', pairs: f.int('pairs', 40, 2), blockSize: f.int('block-size', 1000, 11), warmupPairs: f.int('warmup-pairs', 3, 0), verbose: f.on('verbose') };
  f.done();
  return a;
}

interface Connection {
  client: pg.Client;
  /** postgres with the statement watchdog (as in the measure stage): a second connection without it, for its own cost. */
  untimed?: pg.Client;
  timeoutMs?: number;
  done: () => Promise<void>;
  where: string;
}

async function connect(a: Args): Promise<Connection> {
  if (a.target === 'postgres') {
    const config = await loadConfig(resolve(PROJECT_ROOT, a.config), { targets: ['postgres'] });
    const o = config.target_options.postgres as PostgresOptions;
    const cc = connectionConfig(o);
    const watch = statementWatch(o);
    const open = (c: pg.ClientConfig, w?: StatementWatch) =>
      connectPg(c, w).catch((err: unknown) => {
        throw new PathbenchError(`cannot connect to PostgreSQL at ${o.host}:${o.port} (${a.config}): ${errorText(err)}`, ExitCode.targetUnavailable);
      });
    const client = await open(cc, watch);
    const timeoutMs = watch.statementTimeoutMs || undefined;
    const untimed = timeoutMs ? await open(cc) : undefined;
    const timeout = timeoutMs ? `, statement watchdog ${timeoutMs} ms (statement_timeout_s) as in the measure stage` : '';
    return { client, untimed, timeoutMs, done: async () => (await client.end(), await untimed?.end()), where: `PostgreSQL at ${o.host}:${o.port}${timeout}` };
  }
  // A throwaway engine: SELECT 1 needs no data, and data/pglite may be open in a running pipeline.
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-bench-harness-'));
  const engine = await acquireEngine(dir);
  const addr = await engine.wireAddress('127.0.0.1', 0);
  const client = await connectPg({ host: addr.host, port: addr.port, user: 'postgres', database: 'postgres' });
  const done = async () => {
    await client.end();
    await engine.release();
    await rm(dir, { recursive: true, force: true });
  };
  return { client, done, where: `pglite-socket on ${addr.host}:${addr.port} (in this process, fresh engine)` };
}

interface Block {
  p50Ms: number;
  qps: number;
}

const p50Of = (ms: Float64Array): number => quantileSorted(ms.sort(), 0.5);
const pct = (r: number): string => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)}%`;
const ciText = (s: RatioSummary): string => `${pct(s.ci.estimate)}  [95% CI ${pct(s.ci.low)} … ${pct(s.ci.high)}]`;

async function main(argv: string[]): Promise<number> {
  const a = parse(argv);
  if (a === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { client, untimed, timeoutMs, done, where } = await connect(a);
  try {
    const module = await loadTarget(a.target);
    // The Session the postgres target returns from open() (pglite-wire's query is the same pgQuery call).
    // Mode simple: SELECT 1 has no parameters, so both loops send it with the simple query protocol.
    const session = pgvectorServerSession(client, 'simple');
    const target: OpenTarget = { id: a.target, type: a.target, module, ctx: { options: {}, root: PROJECT_ROOT }, session };
    const template = QUERIES.find((q) => q.id === 'simple_count')!;
    const calls = [Array.from({ length: a.blockSize }, () => ({ sql: 'SELECT 1', params: [] as unknown[] }))];
    const latencies = new Float64Array(a.blockSize);

    const harness = async (): Promise<Block> => {
      let n = 0;
      const r = await runPhase({
        runId: 'bench-harness', phase: 'measure', queries: [template], targets: [{ target, calls }], iterations: a.blockSize,
        // Every sample is handed over, as to the store in the measure stage.
        flush: async (rows) => {
          for (const s of rows) latencies[n++] = s.elapsed_ns / 1e6;
        },
      });
      if (r.failed > 0) throw new Error(`SELECT 1 failed in the measure loop: ${[...r.firstErrors.values()][0]}`);
      if (n !== a.blockSize) throw new Error(`the measure loop handed over ${n} samples, expected ${a.blockSize}`);
      return { p50Ms: p50Of(latencies), qps: a.blockSize / (r.wallNs / 1e9) };
    };
    const bareOn = (c: pg.Client) => async (): Promise<Block> => {
      const x = await bareLoop(() => c.query({ text: 'SELECT 1', rowMode: 'array' }), a.blockSize);
      return { p50Ms: p50Of(x.latenciesMs), qps: a.blockSize / (x.wallNs / 1e9) };
    };
    const bare = bareOn(client);

    const r = await abbaBlocks(a.pairs, a.warmupPairs, harness, bare);
    const h = r.a;
    const b = r.b;
    const p50 = summarizeRatios(pairRatios(h.map((x) => x.p50Ms), b.map((x) => x.p50Ms)), SEED, 'bench-harness:p50');
    const qps = summarizeRatios(pairRatios(b.map((x) => x.qps), h.map((x) => x.qps)), SEED, 'bench-harness:qps');
    // Order effect: the second block of a pair relative to the first, whichever loop ran first.
    const second = h.map((x, i) => (r.aFirst[i] ? b[i]! : x).p50Ms);
    const first = h.map((x, i) => (r.aFirst[i] ? x : b[i]!).p50Ms);
    const order = summarizeRatios(pairRatios(second, first), SEED, 'bench-harness:order');
    const med = (xs: number[]) => quantileSorted(Float64Array.from(xs).sort(), 0.5);
    const vp = overheadVerdict(p50.ci, GOAL);
    const vq = overheadVerdict(qps.ci, GOAL);
    const verdict = combineVerdicts([vp, vq]);

    console.log(`bench-harness: SELECT 1, ${a.pairs} pairs of blocks × ${a.blockSize} calls (ABBA order, ${a.warmupPairs} warm-up pairs discarded), one pg connection to ${where}`);
    if (a.verbose) {
      console.log('  pair  order          harness p50 / QPS        bare p50 / QPS');
      h.forEach((x, i) => console.log(`  ${String(i).padStart(4)}  ${r.aFirst[i] ? 'harness first' : 'bare first   '}  ${(x.p50Ms * 1000).toFixed(1).padStart(8)} µs ${x.qps.toFixed(0).padStart(6)}   ${(b[i]!.p50Ms * 1000).toFixed(1).padStart(8)} µs ${b[i]!.qps.toFixed(0).padStart(6)}`));
    }
    console.log(`  median block:  measure loop p50 ${(med(h.map((x) => x.p50Ms)) * 1000).toFixed(1)} µs, ${med(h.map((x) => x.qps)).toFixed(0)} QPS;  bare pg loop p50 ${(med(b.map((x) => x.p50Ms)) * 1000).toFixed(1)} µs, ${med(b.map((x) => x.qps)).toFixed(0)} QPS`);
    console.log(`  p50, harness / bare:      ${ciText(p50)}${distinguishableFromNone(p50.ci) ? '' : '  (not distinguishable from no difference)'}`);
    console.log(`  QPS, bare / harness:      ${ciText(qps)}${distinguishableFromNone(qps.ci) ? '' : '  (not distinguishable from no difference)'}`);
    console.log(`  order effect (2nd block of a pair vs 1st, p50): ${ciText(order)}  — cancels in the ratios above (ABBA)`);
    console.log(`  (+x% = the harness is x% slower; each figure is the median of ${p50.n} per-pair ratios, ${p50.ci.method})`);
    const named = (want: string) => [vp === want ? 'p50' : '', vq === want ? 'QPS' : ''].filter(Boolean).join(' and ');
    const why =
      verdict === 'met' ? 'both CIs lie below +5%'
      : verdict === 'not met' ? `the ${named('not met')} CI lies wholly above +5%`
      : `the ${named('inconclusive')} CI reaches past +5%: rerun with more --pairs or on a quieter machine`;
    console.log(`  goal: harness adds < 5% → ${verdict === 'met' ? 'met' : verdict === 'not met' ? 'NOT met' : 'INCONCLUSIVE'} (${why})`);
    if (untimed) {
      // Not part of the loop comparison above (both loops share the connection, so both pay it):
      // The measure stage's statement watchdog (one interval per connection, nothing per query);
      // pg's own query_timeout, which it replaced, armed a timer inside every query (+6–8% on p50).
      const t = await abbaBlocks(a.pairs, a.warmupPairs, bare, bareOn(untimed));
      const tp = summarizeRatios(pairRatios(t.a.map((x) => x.p50Ms), t.b.map((x) => x.p50Ms)), SEED, 'bench-harness:timeout-p50');
      const tq = summarizeRatios(pairRatios(t.b.map((x) => x.qps), t.a.map((x) => x.qps)), SEED, 'bench-harness:timeout-qps');
      console.log(`  connection setting, not the loop: the statement watchdog (${timeoutMs} ms, one interval per connection); bare loop with it vs a second connection without it, ${a.pairs} more ABBA pairs:`);
      console.log(`    p50, with / without:     ${ciText(tp)}`);
      console.log(`    QPS, without / with:     ${ciText(tq)}   (the measure stage's postgres connections have it; a default pg client does not)`);
    }
    return 0;
  } finally {
    await done();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench-harness: error: ${err instanceof Error ? err.message : String(err)}\n`);
  return err instanceof PathbenchError ? err.exitCode : 1;
});
