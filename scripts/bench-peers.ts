/**
 * `make bench-peers`: the same query through three clients on the same PostgreSQL and seeded
 * table, in the same statement mode on each side (pgbench -M):
 *   pathbench — runPhase (lib/measure/run-phase.ts), the measure stage's loop, over the postgres
 *               target's own Session in --modes' query_mode, parameters from prepareCalls;
 *   bare      — lib/measure/bare-loop.ts: clock, `await client.query(...)`, clock on the same
 *               pg.Client as pathbench's Session (lib/bench/peer-side.ts), sending the very
 *               statements and parameters pathbench sends (named in prepared mode, rendered
 *               literals in simple mode);
 *   pgbench   — `pgbench -n -c 1 -j 1 -M <mode> -t N -l`, scripts from lib/bench/pgbench-script.ts,
 *               latencies from its per-transaction log.
 * For each mode × query, after one untimed block of each Node client, each round runs the Node
 * block — pathbench and bare on their one connection, alternating in --slices slices (AB, BA, …:
 * nodeSlices in lib/bench/peer-ratios.ts) — and pgbench's block, the two in alternating order
 * round by round (clientOrder); per round pathbench/bare and pathbench/pgbench ratios of p50 and
 * p99 (first --discard requests of each client's round dropped);
 * printed: medians over rounds with seeded bootstrap CIs, and the per-round p50s in run order.
 * Query vectors are bound as text on all sides (pgbench has no binary parameters).
 * The database must be seeded by pathbench (make seed CONFIG=…): this reads, never writes.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScriptFlags } from '../lib/cli/script-flags.js';
import { bareClientLoop, openSide, pathbenchLoop, type Side } from '../lib/bench/peer-side.js';
import { blockFigures, clientOrder, medianOf, nodeSlices, peerRatio, ratioText, type BlockFigures } from '../lib/bench/peer-ratios.js';
import { pgbenchEnv, runPgbench } from '../lib/bench/pgbench-process.js';
import { pgbenchQuery } from '../lib/bench/pgbench-query.js';
import { UNMEASURED_LIMIT, measuredLatenciesMs, pgbenchLatenciesMs, pgbenchScripts } from '../lib/bench/pgbench-script.js';
import { seededRows } from '../lib/bench/seeded-table.js';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT, packageVersion } from '../lib/env/package-version.js';
import { PathbenchError } from '../lib/errors.js';
import { prepareCalls, type PreparedCall } from '../lib/measure/prepare.js';
import { workloadShape } from '../lib/pipeline/session-setup.js';
import type { PostgresOptions } from '../lib/targets/postgres/options.js';
import { QUERY_MODES, type QueryMode } from '../lib/targets/query-mode.js';
import type { QueryTemplate } from '../lib/workload/queries.js';

const SEED = 42;
const CLIENTS = ['pathbench', 'bare', 'pgbench'] as const;
type Client = (typeof CLIENTS)[number];
/** A round: the Node block (pathbench and bare in alternating slices) and pgbench's, in alternating order. */
const SLOTS = ['node', 'pgbench'] as const;
const USAGE = `usage: make bench-peers ARGS="[--config FILE] [--modes simple,extended,prepared] [--queries simple_select_id,vector_cosine,join] [--rounds N] [--requests N] [--slices N] [--discard N] [--pool N] [--pgbench PATH]"
  --config    profile whose postgres target is used, already seeded (default config/local.yaml)
  --modes     statement modes, each compared on all three clients (default all three)
  --queries   default simple_select_id,vector_cosine,join
  --rounds    rounds per mode and query; the Node block and pgbench's alternate in order (default 24, at least 3)
  --requests  requests per client per round (default 1000)
  --slices    the two Node clients alternate in this many slices of their requests, on one connection (default 10; 1: one whole block each)
  --discard   first requests of each block left out (default 100)
  --pool      query vectors drawn from (default 10; each is a pgbench -D variable)
  --pgbench   the pgbench binary (default pgbench on PATH)`;

interface Args {
  config: string;
  modes: QueryMode[];
  queries: QueryTemplate[];
  rounds: number;
  requests: number;
  slices: number;
  discard: number;
  pool: number;
  pgbench: string;
}

function parse(argv: string[]): Args | 'help' {
  const f = ScriptFlags.parse(argv, ['config', 'modes', 'queries', 'rounds', 'requests', 'slices', 'discard', 'pool', 'pgbench'], USAGE, 'bench-peers');
  if (f === 'help') return 'help';
  const modes = (f.values.modes ?? QUERY_MODES.join(',')).split(',').map((s) => s.trim());
  for (const m of modes) if (!(QUERY_MODES as readonly string[]).includes(m)) f.problems.push(`--modes: "${m}" is not one of ${QUERY_MODES.join(', ')}`);
  const ids = (f.values.queries ?? 'simple_select_id,vector_cosine,join').split(',').map((s) => s.trim());
  const queries = ids.map((id) => pgbenchQuery('queries', id, f.problems)).filter((q): q is QueryTemplate => q !== undefined);
  const a: Args = {
    config: f.values.config ?? 'config/local.yaml', modes: modes as QueryMode[], queries,
    rounds: f.int('rounds', 24, 3), requests: f.int('requests', 1000, 10), slices: f.int('slices', 10, 1), discard: f.int('discard', 100, 0), pool: f.int('pool', 10, 1), pgbench: f.values.pgbench ?? 'pgbench',
  };
  if (a.discard >= a.requests) f.problems.push(`--discard (${a.discard}) must be below --requests (${a.requests})`);
  if (a.slices > a.requests) f.problems.push(`--slices (${a.slices}) must be at most --requests (${a.requests})`);
  f.done();
  return a;
}

async function main(argv: string[]): Promise<number> {
  const a = parse(argv);
  if (a === 'help') {
    console.log(USAGE);
    return 0;
  }
  const c = await loadConfig(resolve(PROJECT_ROOT, a.config), { targets: ['postgres'], query_vector_pool: a.pool, vector_param_format: 'text' });
  const o = c.target_options.postgres as PostgresOptions;
  const shape = workloadShape(c);
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-bench-peers-'));
  const pgbenchRun = { env: pgbenchEnv(o, c.hnsw.ef_search, 'pathbench-bench-peers'), cwd: dir, script: 'bench-peers' };
  const pgbench = (args: string[]) => runPgbench(a.pgbench, args, pgbenchRun);
  const pgbenchVersion = (await pgbench(['--version'])).trim();
  const sides: Side[] = [];
  try {
    for (const m of a.modes) sides.push(await openSide(c, m));
    const server = String((await sides[0]!.bare.query('SELECT version()')).rows[0].version).split(' ').slice(0, 2).join(' ');
    const rows = await seededRows(sides[0]!.bare, o, c.dataset_size, a.config, 'bench-peers');

    console.log(`bench-peers: ${a.queries.map((q) => q.id).join(', ')} on PostgreSQL ${o.host}:${o.port}/${o.database} (${server}, ${rows} × ${c.vector_dims} dims, hnsw.ef_search=${c.hnsw.ef_search}, k=${c.k})`);
    console.log(`  clients: pathbench (measure loop, postgres target, pg ${packageVersion('pg')}), bare pg loop (same statements), ${pgbenchVersion} (-c 1 -j 1)`);
    console.log(`  ${a.rounds} rounds × ${a.requests} requests per client, first ${a.discard} left out; pathbench and bare alternate in ${a.slices} slices on one connection (AB, BA, …), ` +
      `that block and pgbench's alternate in order round by round; query vectors as text from a pool of ${a.pool}`);
    console.log(`  machine: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start, ${new Date().toISOString()}`);

    for (const side of sides) {
      for (const q of a.queries) {
        const [prepared] = prepareCalls([side.target], side.pools, [q], shape, 'measure', a.requests);
        const calls = prepared!.calls[0]!;
        const poolText = side.pools.get('postgres')!.slice(0, a.pool).map(String);
        const scripts = pgbenchScripts(q, side.target.module.dialect[q.id]!, side.mode, { datasetSize: c.dataset_size, k: c.k, pool: poolText });
        const files: string[] = [];
        for (const [i, s] of scripts.scripts.entries()) {
          const f = join(dir, `${side.mode}-${q.id}-${i}.sql`);
          await writeFile(f, s);
          files.push(f);
        }
        const blocks: Record<Client, BlockFigures[]> = { pathbench: [], bare: [], pgbench: [] };
        const pgbenchBlock = async (): Promise<{ ms: number[]; unmeasured: number }> => {
          const prefix = join(dir, `log-${side.mode}-${q.id}`);
          const defines = Object.entries(scripts.defines).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
          await pgbench(['-n', '-c', '1', '-j', '1', '-M', side.mode, '-t', String(a.requests), '-l', `--log-prefix=${prefix}`, ...defines, ...files.flatMap((f) => ['-f', `${f}@1`])]);
          const logs = (await readdir(dir)).filter((f) => f.startsWith(`log-${side.mode}-${q.id}.`));
          const text = (await Promise.all(logs.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
          for (const f of logs) await rm(join(dir, f));
          const ms = pgbenchLatenciesMs(text);
          if (ms.length !== a.requests) throw new Error(`pgbench logged ${ms.length} transactions, expected ${a.requests}`);
          return measuredLatenciesMs(ms);
        };
        let unmeasured = 0;
        // One untimed block of each Node client first: the very first block of a process ran at
        // up to 2× the p50 of the later ones (JIT of the loop and of pg's paths; seen here at 0.33
        // vs 0.13–0.24 ms), and whichever client leads round 0 would carry it.
        await pathbenchLoop(side, q, calls, a.requests);
        await bareClientLoop(side, calls, a.requests);
        const node: Record<'pathbench' | 'bare', (slice: readonly PreparedCall[]) => Promise<Float64Array>> = {
          pathbench: (slice) => pathbenchLoop(side, q, slice, slice.length),
          bare: (slice) => bareClientLoop(side, slice, slice.length),
        };
        for (let r = 0; r < a.rounds; r++) {
          for (const slot of clientOrder(SLOTS, r)) {
            if (slot === 'pgbench') {
              // Transactions pgbench logged at 0 µs are not measurements (measuredLatenciesMs: its lazy
              // clock); they are left out and counted. A block with more than UNMEASURED_LIMIT of them
              // (seen: most of a block, p50 0) is run once more, said in the printout; a second stops.
              let b = await pgbenchBlock();
              if (b.unmeasured > UNMEASURED_LIMIT * a.requests) {
                console.log(`    pgbench, round ${r + 1}: ${b.unmeasured} of ${a.requests} transactions logged at 0 µs (pgbench could not time them), running that block again`);
                b = await pgbenchBlock();
                if (b.unmeasured > UNMEASURED_LIMIT * a.requests) throw new Error(`bench-peers: pgbench logged ${b.unmeasured} of ${a.requests} transactions at 0 µs twice in a row (${side.mode} ${q.id}); its latencies cannot be used`);
              }
              unmeasured += b.unmeasured;
              blocks.pgbench.push(blockFigures(b.ms, a.discard));
              continue;
            }
            // The Node block: each client's latencies of the round in request order, slice by slice.
            const lat = { pathbench: [] as number[], bare: [] as number[] };
            for (const sl of nodeSlices(['pathbench', 'bare'] as const, a.requests, a.slices)) {
              for (const cl of sl.order) lat[cl].push(...(await node[cl](calls.slice(sl.start, sl.end))));
            }
            blocks.pathbench.push(blockFigures(lat.pathbench, a.discard));
            blocks.bare.push(blockFigures(lat.bare, a.discard));
          }
        }
        const stream = `bench-peers:${side.mode}:${q.id}`;
        const vsBare = peerRatio(blocks.pathbench, blocks.bare, SEED, `${stream}:bare`);
        const vsPgbench = peerRatio(blocks.pathbench, blocks.pgbench, SEED, `${stream}:pgbench`);
        const fig = (cl: Client) => `${cl} p50 ${medianOf(blocks[cl], 'p50').toFixed(3)} / p99 ${medianOf(blocks[cl], 'p99').toFixed(3)} ms`;
        console.log(`\n  ${side.mode.padEnd(8)} ${q.id}: ${CLIENTS.map(fig).join(';  ')}  (medians over rounds)`);
        const order = Array.from({ length: a.rounds }, (_, r) =>
          clientOrder(SLOTS, r).map((slot) => (slot === 'pgbench' ? `pgbench ${blocks.pgbench[r]!.p50.toFixed(3)}` : `pathbench ${blocks.pathbench[r]!.p50.toFixed(3)} / bare ${blocks.bare[r]!.p50.toFixed(3)}`)).join(', '));
        console.log(`    p50 per round, in run order: ${order.join(' | ')}`);
        if (unmeasured > 0) console.log(`    pgbench: ${unmeasured} of ${(a.rounds * a.requests).toLocaleString('en-US')} transactions logged at 0 µs, left out (pgbench reads its clock once per pass of its loop; a result already there when it first looks gets start = end)`);
        console.log(`    pathbench / bare pg:  p50 ${ratioText(vsBare.p50)}   p99 ${ratioText(vsBare.p99)}`);
        console.log(`    pathbench / pgbench:  p50 ${ratioText(vsPgbench.p50)}   p99 ${ratioText(vsPgbench.p99)}`);
        if (vsBare.p50.ci.estimate > 1.05 || vsPgbench.p50.ci.estimate > 1.5) {
          console.log(`    above a goal: where the Node clients' time goes, by category: make profile-peers ARGS="--config ${a.config} --mode ${side.mode} --query ${q.id}"`);
        }
      }
    }
    console.log(`\n  ratios: median over ${a.rounds} rounds of the per-round ratio, [95% seeded percentile-bootstrap CI]; > 1 = pathbench slower. Goals (issue 14): pathbench/bare ≤ 1.05, pathbench/pgbench ≤ 1.5 at p50.`);
    console.log(`  load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`);
    return 0;
  } finally {
    for (const s of sides) await s.target.session.close();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench-peers: error: ${err instanceof Error ? err.message : String(err)}\n`);
  return err instanceof PathbenchError ? err.exitCode : 1;
});
