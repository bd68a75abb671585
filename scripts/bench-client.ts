/**
 * `make bench-client`: is the load generator itself the bottleneck? One query, one PostgreSQL, the
 * same `--sessions` connections, three clients:
 *   bare    — lib/measure/bare-loop.ts bareClosedLoop: one `await client.query(...)` loop per
 *             pg.Client, back to back (the most a node-postgres client on these sessions does);
 *   pgbench — `pgbench -n -c S -j 1 -M <mode> -T D` on the same SQL (lib/bench/pgbench-script.ts);
 *   open    — the measure stage's open loop (lib/measure/open-loop.ts) over Sessions wrapping the
 *             very pg.Clients of the bare loop, Poisson arrivals offered at 1.2× and at 0.5× the
 *             bare loop's throughput (measured once, in an untimed calibration block).
 * Each round runs the four blocks back to back, order rotated per round, so drift between rounds
 * cancels in the per-round ratios. Printed: per-round figures, then medians over rounds with
 * seeded bootstrap CIs and the goals of issue 15:
 *   open loop at 1.2× sustains ≥ 90 % of the bare loop's throughput;
 *   at 0.5×, p99 lateness (actual − intended start) ≤ 1 ms and client CPU per request ≤ 1.5× the bare loop's.
 * The database must be seeded by pathbench (make seed CONFIG=…): this reads, never writes.
 */
import { watchGc } from '../lib/measure/gc-watch.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScriptFlags } from '../lib/cli/script-flags.js';
import type pg from 'pg';
import { ciText, goalVerdict, latenessNs, medianCI, pgbenchTps, quantileOf } from '../lib/bench/client-figures.js';
import { clientOrder } from '../lib/bench/peer-ratios.js';
import { pgbenchEnv, runPgbench } from '../lib/bench/pgbench-process.js';
import { pgbenchQuery } from '../lib/bench/pgbench-query.js';
import { pgbenchScripts } from '../lib/bench/pgbench-script.js';
import { seededRows } from '../lib/bench/seeded-table.js';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT, packageVersion } from '../lib/env/package-version.js';
import { ExitCode, PathbenchError, errorText } from '../lib/errors.js';
import { bareClosedLoop } from '../lib/measure/bare-loop.js';
import { processCpuSeconds } from '../lib/measure/cpu-time.js';
import { runOpenLoopLevel } from '../lib/measure/open-loop.js';
import { DEFAULT_WAKE, WAKE_KINDS, type WakeKind } from '../lib/measure/wake.js';
import { prepareCalls } from '../lib/measure/prepare.js';
import { applySessionSettings, prepareSessions, workloadShape } from '../lib/pipeline/session-setup.js';
import type { OpenTarget } from '../lib/pipeline/targets.js';
import type { Session } from '../lib/targets/interface.js';
import { connectPg, isPgConnectionLoss } from '../lib/targets/pg-session.js';
import { pgvectorServerSession } from '../lib/targets/pgvector-sql/server-session.js';
import { connectionConfig, statementWatch } from '../lib/targets/postgres/index.js';
import type { PostgresOptions } from '../lib/targets/postgres/options.js';
import { QUERY_MODES, statementName, type QueryMode } from '../lib/targets/query-mode.js';
import { loadTarget } from '../lib/targets/registry.js';
import { arrivalSchedule } from '../lib/workload/arrival-schedule.js';
import type { QueryTemplate } from '../lib/workload/queries.js';

const SEED = 42;
const BLOCKS = ['bare', 'pgbench', 'open-high', 'open-half'] as const;
type Block = (typeof BLOCKS)[number];
const USAGE = `usage: make bench-client ARGS="[--config FILE] [--sessions N] [--mode prepared] [--query simple_select_id] [--rounds N] [--seconds S] [--wake precise|timer] [--pgbench PATH]"
  --config    profile whose postgres target is used, already seeded (default config/local.yaml)
  --sessions  connections shared by the bare loop and the open loop; pgbench -c (default 8)
  --mode      statement mode on every side, pgbench -M (default prepared)
  --query     the catalogue query (default simple_select_id; no category parameter)
  --rounds    rounds, block order rotated each round (default 5, at least 3)
  --seconds   length of each block, whole seconds (default 3)
  --wake      how the open loop sleeps: timer (setTimeout, default) or precise (helper thread)
  --pgbench   the pgbench binary (default pgbench on PATH)`;

interface Args {
  config: string;
  sessions: number;
  mode: QueryMode;
  query: QueryTemplate;
  rounds: number;
  seconds: number;
  wake: WakeKind;
  pgbench: string;
}

function parse(argv: string[]): Args | 'help' {
  const f = ScriptFlags.parse(argv, ['config', 'sessions', 'mode', 'query', 'rounds', 'seconds', 'wake', 'pgbench'], USAGE, 'bench-client');
  if (f === 'help') return 'help';
  const query = pgbenchQuery('query', f.values.query ?? 'simple_select_id', f.problems);
  const a = {
    config: f.values.config ?? 'config/local.yaml', sessions: f.int('sessions', 8, 1), mode: f.oneOf('mode', QUERY_MODES, 'prepared'), query: query!, rounds: f.int('rounds', 5, 3),
    seconds: f.int('seconds', 3, 1), wake: f.oneOf('wake', WAKE_KINDS, DEFAULT_WAKE), pgbench: f.values.pgbench ?? 'pgbench',
  };
  f.done();
  return a;
}

/** One round's figures. Throughputs in requests/s; CPU in µs of client CPU per completed request. */
interface Round {
  bare: { qps: number; cpuUs: number };
  pgbench: { tps: number };
  high: { offered: number; achieved: number; dropped: number; lateP99Ms: number; loopP99Ms: number };
  half: { offered: number; achieved: number; dropped: number; lateP50Ms: number; lateP99Ms: number; freeLateP99Ms: number; queuedShare: number; cpuUs: number; loopP99Ms: number; gcPauses: number; gcLongestMs: number; gcTotalMs: number; preemptedPerS: number };
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

async function main(argv: string[]): Promise<number> {
  const a = parse(argv);
  if (a === 'help') {
    console.log(USAGE);
    return 0;
  }
  const c = await loadConfig(resolve(PROJECT_ROOT, a.config), { targets: ['postgres'], vector_param_format: 'text' });
  const o = { ...(c.target_options.postgres as PostgresOptions), query_mode: a.mode } as PostgresOptions;
  const module = await loadTarget('postgres');
  const shape = workloadShape(c);
  const dir = await mkdtemp(join(tmpdir(), 'pathbench-bench-client-'));
  const pgbenchRun = { env: pgbenchEnv(o, c.hnsw.ef_search, 'pathbench-bench-client'), cwd: dir, script: 'bench-client' };
  const pgbench = (args: string[]) => runPgbench(a.pgbench, args, pgbenchRun);
  const pgbenchVersion = (await pgbench(['--version'])).trim();
  const clients: pg.Client[] = [];
  const sessions: Session[] = [];
  try {
    for (let k = 0; k < a.sessions; k++) {
      const client = await connectPg(connectionConfig(o), statementWatch(o)).catch((err: unknown) => {
        throw new PathbenchError(`bench-client: cannot connect to PostgreSQL at ${o.host}:${o.port}: ${errorText(err)}`, ExitCode.targetUnavailable);
      });
      clients.push(client);
      sessions.push(pgvectorServerSession(client, a.mode));
    }
    const target: OpenTarget = { id: 'postgres', type: 'postgres', module, ctx: { options: o as unknown as Record<string, unknown>, root: PROJECT_ROOT }, session: sessions[0]! };
    const rows = await seededRows(clients[0]!, o, c.dataset_size, a.config, 'bench-client');
    const pools = await prepareSessions(c, [target]);
    for (const s of sessions.slice(1)) await applySessionSettings(c, target, s, 'bench-client session setup');
    const server = String((await clients[0]!.query('SELECT version()')).rows[0].version).split(' ').slice(0, 2).join(' ');

    // A pool of bound calls, cycled: enough that the parameters do not repeat within a round's block on a session.
    const POOL = 20_000;
    const [prepared] = prepareCalls([target], pools, [a.query], shape, 'open_loop', POOL);
    const calls = prepared!.calls[0]!;
    const name = a.mode === 'prepared' ? statementName(calls[0]!.sql) : undefined;
    const bareCall = (client: pg.Client, k: number) => (j: number) => {
      const call = calls[(k * 7919 + j) % POOL]!;
      return client.query({ text: call.sql, values: call.params as unknown[], rowMode: 'array', ...(name ? { name } : {}), ...(a.mode === 'extended' ? { queryMode: 'extended' } : {}) });
    };
    const scripts = pgbenchScripts(a.query, module.dialect[a.query.id]!, a.mode, { datasetSize: c.dataset_size, k: c.k, pool: pools.get('postgres')!.slice(0, 10).map(String) });
    const files: string[] = [];
    for (const [i, s] of scripts.scripts.entries()) {
      const f = join(dir, `script-${i}.sql`);
      await writeFile(f, s);
      files.push(f);
    }
    const defines = Object.entries(scripts.defines).flatMap(([k, v]) => ['-D', `${k}=${v}`]);

    const bare = async (seconds: number, qpsGuess: number) => {
      const each = Math.max(10, Math.round((qpsGuess * seconds) / a.sessions));
      const r = await bareClosedLoop(clients.map((cl, k) => bareCall(cl, k)), each);
      return { qps: r.requests / (r.wallNs / 1e9), cpuUs: (r.cpuSeconds * 1e6) / r.requests };
    };
    const open = async (rate: number, stream: number) => {
      const schedule = arrivalSchedule({ seed: SEED + stream, rate, arrival: 'poisson', durationNs: a.seconds * 1e9 });
      const levelCalls = Array.from(schedule, (_, i) => calls[i % POOL]!);
      // What else held the event loop: this process's GC pauses, and the kernel taking the CPU away
      // (involuntary context switches: the server's backends share the machine's cores).
      const gc = watchGc();
      const cs0 = process.resourceUsage().involuntaryContextSwitches;
      const cpu0 = processCpuSeconds();
      const t = await runOpenLoopLevel({ sessions, schedule, calls: levelCalls, dropAfterNs: a.seconds * 1e9 + 1e9, isConnectionLoss: isPgConnectionLoss, wake: a.wake });
      const cpu = processCpuSeconds() - cpu0;
      const cs = process.resourceUsage().involuntaryContextSwitches - cs0;
      const pauses = await gc.stop();
      if (t.lost !== undefined) throw new PathbenchError(`bench-client: connection lost during the open loop: ${errorText(t.lost)}`, ExitCode.targetUnavailable);
      if (t.errors.size > 0) throw new Error(`bench-client: ${t.errors.size} requests failed in the open loop, first: ${errorText([...t.errors.values()][0])}`);
      const late = latenessNs(schedule, t.startNs);
      const freeLate = latenessNs(schedule, t.startNs, t.queued);
      const sent = late.length;
      return {
        offered: rate, achieved: sent / (Math.max(t.wallNs, a.seconds * 1e9) / 1e9), dropped: schedule.length - sent,
        lateP50Ms: quantileOf(late, 0.5) / 1e6, lateP99Ms: quantileOf(late, 0.99) / 1e6, freeLateP99Ms: quantileOf(freeLate, 0.99) / 1e6,
        queuedShare: (sent - freeLate.length) / Math.max(1, sent), cpuUs: (cpu * 1e6) / Math.max(1, sent),
        loopP99Ms: t.clientLoad.event_loop_delay_p99_ms,
        gcPauses: pauses.length, gcLongestMs: Math.max(0, ...pauses.map((x) => x.durationNs)) / 1e6, gcTotalMs: pauses.reduce((x, g) => x + g.durationNs, 0) / 1e6,
        preemptedPerS: cs / (Math.max(t.wallNs, a.seconds * 1e9) / 1e9),
      };
    };

    console.log(`bench-client: ${a.query.id} on PostgreSQL ${o.host}:${o.port}/${o.database} (${server}, ${rows} × ${c.vector_dims} dims), ${a.sessions} sessions, ${a.mode} statements`);
    console.log(`  clients: bare node-postgres closed loop (pg ${packageVersion('pg')}), ${pgbenchVersion} (-c ${a.sessions} -j 1 -M ${a.mode}), pathbench open loop (Poisson, ${a.wake} wake-ups) on the bare loop's connections`);
    console.log(`  machine: node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start, ${new Date().toISOString()}`);
    const calibration = await bare(Math.min(2, a.seconds), 5000);
    const bareRate = (await bare(a.seconds, calibration.qps)).qps;
    const high = Math.round(1.2 * bareRate);
    const half = Math.round(0.5 * bareRate);
    console.log(`  calibration (untimed): bare loop ${fmt(bareRate)} q/s → open loop offered ${fmt(high)}/s (1.2×) and ${fmt(half)}/s (0.5×); ${a.rounds} rounds × 4 blocks of ${a.seconds} s, order rotated per round\n`);

    const rounds: Round[] = [];
    for (let r = 0; r < a.rounds; r++) {
      const round: Partial<Round> = {};
      const runners: Record<Block, () => Promise<void>> = {
        bare: async () => void (round.bare = await bare(a.seconds, bareRate)),
        pgbench: async () => {
          const out = await pgbench(['-n', '-c', String(a.sessions), '-j', '1', '-M', a.mode, '-T', String(a.seconds), ...defines, ...files.flatMap((f) => ['-f', `${f}@1`])]);
          round.pgbench = { tps: pgbenchTps(out) };
        },
        'open-high': async () => void (round.high = await open(high, 2 * r)),
        'open-half': async () => void (round.half = await open(half, 2 * r + 1)),
      };
      for (const b of clientOrder(BLOCKS, r)) await runners[b]();
      const x = round as Round;
      rounds.push(x);
      console.log(
        `  round ${r + 1}: bare ${fmt(x.bare.qps)} q/s (${fmt(x.bare.cpuUs, 1)} µs CPU/req); pgbench ${fmt(x.pgbench.tps)} tps; ` +
          `open 1.2× ${fmt(x.high.achieved)}/s achieved, ${x.high.dropped} dropped, lateness p99 ${fmt(x.high.lateP99Ms, 2)} ms; ` +
          `open 0.5× ${fmt(x.half.achieved)}/s, lateness p50/p99 ${fmt(x.half.lateP50Ms, 3)}/${fmt(x.half.lateP99Ms, 3)} ms ` +
          `(${fmt(100 * x.half.queuedShare, 1)}% waited for a session; the others p99 ${fmt(x.half.freeLateP99Ms, 3)} ms), ${fmt(x.half.cpuUs, 1)} µs CPU/req, loop delay p99 ${x.half.loopP99Ms} ms; ` +
          `GC ${x.half.gcPauses} pauses, longest ${fmt(x.half.gcLongestMs, 1)} ms, ${fmt(x.half.gcTotalMs, 0)} ms in all; ${fmt(x.half.preemptedPerS, 0)} involuntary context switches/s`,
      );
    }
    const med = (f: (x: Round) => number, stream: string) => medianCI(rounds.map(f), SEED, `bench-client:${stream}`);
    const sustained = med((x) => x.high.achieved / x.bare.qps, 'sustained');
    const pgbenchVsBare = med((x) => x.pgbench.tps / x.bare.qps, 'pgbench');
    const openVsPgbench = med((x) => x.high.achieved / x.pgbench.tps, 'open-pgbench');
    const late99 = med((x) => x.half.lateP99Ms, 'late99');
    const freeLate99 = med((x) => x.half.freeLateP99Ms, 'free-late99');
    const cpuRatio = med((x) => x.half.cpuUs / x.bare.cpuUs, 'cpu');
    console.log(`\n  throughput, median over rounds: bare ${fmt(med((x) => x.bare.qps, 'bare').estimate)} q/s; pgbench ${fmt(med((x) => x.pgbench.tps, 'pgb').estimate)} tps; open loop at 1.2× ${fmt(med((x) => x.high.achieved, 'open').estimate)}/s`);
    console.log(`  open loop at 1.2× ÷ bare:        ${ciText(sustained)}   goal ≥ 0.90: ${goalVerdict(sustained, 0.9, 'atLeast')}`);
    console.log(`  open loop at 1.2× ÷ pgbench:     ${ciText(openVsPgbench)}`);
    console.log(`  pgbench ÷ bare:                  ${ciText(pgbenchVsBare)}`);
    console.log(`  at 0.5×: lateness p99            ${ciText(late99, 3, ' ms')}   goal ≤ 1 ms: ${goalVerdict(late99, 1, 'atMost')}`);
    console.log(`           of requests that found a free session (the dispatcher's own): ${ciText(freeLate99, 3, ' ms')}   goal ≤ 1 ms: ${goalVerdict(freeLate99, 1, 'atMost')}`);
    console.log(`           while this process: GC pauses longest ${ciText(med((x) => x.half.gcLongestMs, 'gc-longest'), 1, ' ms')}, in all ${ciText(med((x) => x.half.gcTotalMs, 'gc-total'), 0, ' ms')} per ${a.seconds} s block; ` +
      `involuntary context switches ${ciText(med((x) => x.half.preemptedPerS, 'preempted'), 0, '/s')} (the kernel ran something else: the server shares the cores)`);
    console.log(`  at 0.5×: CPU/request open ÷ bare ${ciText(cpuRatio)}   goal ≤ 1.5: ${goalVerdict(cpuRatio, 1.5, 'atMost')}`);
    console.log(`\n  each: median over ${a.rounds} rounds of the per-round figure, [95% seeded percentile-bootstrap CI over rounds]; a goal is met when the whole CI is on its side.`);
    console.log(`  client CPU: this process (user + system) ÷ completed requests; the server's CPU is not in it. Load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end.`);
    return 0;
  } finally {
    for (const s of sessions) await s.close();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`bench-client: error: ${err instanceof Error ? err.message : String(err)}\n`);
  return err instanceof PathbenchError ? err.exitCode : 1;
});
