/**
 * `make bench-harness`: does the harness disturb what it measures? Runs `SELECT 1` N times per
 * block through (a) the measure loop (lib/measure/run-phase.ts: timed call, sample objects, the
 * same Session wrapper as every pg target) and (b) a bare hand-written pg loop, on the SAME pg
 * connection in the same process, alternating blocks (a b a b …) so drift hits both. Prints the
 * ratio of p50s and of QPS (count / wall time). Goal: the harness adds under 5%.
 *
 * Server: pglite-wire's in-process socket server by default; `--targets postgres` uses the
 * configured PostgreSQL (config/local.yaml by default then).
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { parseStageFlags } from '../lib/config/cli-flags.js';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT } from '../lib/env/package-version.js';
import { bareLoop } from '../lib/measure/bare-loop.js';
import { runPhase } from '../lib/measure/run-phase.js';
import type { OpenTarget } from '../lib/pipeline/targets.js';
import { quantileSorted } from '../lib/stats/quantile.js';
import type { Session, TargetModule } from '../lib/targets/interface.js';
import { connectPg, pgQuery } from '../lib/targets/pg-session.js';
import { acquireEngine } from '../lib/targets/pglite/engine.js';
import { resolvePassword, type PostgresOptions } from '../lib/targets/postgres/options.js';
import { loadTarget } from '../lib/targets/registry.js';
import { QUERIES } from '../lib/workload/queries.js';

const N = 4000;
const BLOCKS = 6;

async function connect(targetId: string): Promise<{ client: pg.Client; done: () => Promise<void>; where: string }> {
  if (targetId === 'postgres') {
    const config = await loadConfig(resolve(PROJECT_ROOT, 'config/local.yaml'), { targets: ['postgres'] });
    const o = config.target_options.postgres as PostgresOptions;
    const client = await connectPg({ host: o.host, port: o.port, database: o.database, user: o.user, password: resolvePassword(o) });
    return { client, done: () => client.end(), where: `PostgreSQL at ${o.host}:${o.port}` };
  }
  const engine = await acquireEngine(resolve(PROJECT_ROOT, 'data/pglite'));
  const addr = await engine.wireAddress('127.0.0.1', 0);
  const client = await connectPg({ host: addr.host, port: addr.port, user: 'postgres', database: 'postgres' });
  return { client, done: async () => (await client.end(), await engine.release()), where: `pglite-socket on ${addr.host}:${addr.port}` };
}

async function main(): Promise<number> {
  const flags = parseStageFlags(process.argv.slice(2));
  const targetId = (flags.overrides.targets as string[] | undefined)?.[0] ?? 'pglite-wire';
  const { client, done, where } = await connect(targetId);
  const module: TargetModule = await loadTarget(targetId === 'postgres' ? 'postgres' : 'pglite-wire');
  const session: Session = { query: (sql, params) => pgQuery(client, sql, params), exec: async () => {}, loadVectors: async () => {}, loadMetadata: async () => {}, close: async () => {} };
  const target: OpenTarget = { id: targetId, module, ctx: { options: {}, root: PROJECT_ROOT }, session };
  const template = QUERIES.find((q) => q.id === 'simple_count')!;
  const calls = [Array.from({ length: N }, () => ({ sql: 'SELECT 1', params: [] as unknown[] }))];

  const harness = { ms: [] as number[], wallNs: 0 };
  const bare = { ms: [] as number[], wallNs: 0 };
  await bareLoop(() => client.query('SELECT 1'), 500); // warm the connection
  for (let b = 0; b < BLOCKS; b++) {
    const r = await runPhase({
      runId: 'bench', phase: 'measure', queries: [template], targets: [{ target, calls }], iterations: N,
      flush: async (rows) => void harness.ms.push(...rows.map((s) => s.elapsed_ns / 1e6)),
    });
    harness.wallNs += r.wallNs;
    const x = await bareLoop(() => client.query({ text: 'SELECT 1', rowMode: 'array' }), N);
    bare.ms.push(...x.latenciesMs);
    bare.wallNs += x.wallNs;
  }
  await done();
  const p50 = (xs: number[]) => quantileSorted([...xs].sort((a, b) => a - b), 0.5);
  const hp50 = p50(harness.ms);
  const bp50 = p50(bare.ms);
  const hq = harness.ms.length / (harness.wallNs / 1e9);
  const bq = bare.ms.length / (bare.wallNs / 1e9);
  console.log(`bench-harness: SELECT 1 × ${N} × ${BLOCKS} blocks each, alternating, one pg connection to ${where}`);
  console.log(`  measure loop: p50 ${hp50.toFixed(4)} ms, ${hq.toFixed(0)} QPS (wall)`);
  console.log(`  bare pg loop: p50 ${bp50.toFixed(4)} ms, ${bq.toFixed(0)} QPS (wall)`);
  const dp = (hp50 / bp50 - 1) * 100;
  const dq = (bq / hq - 1) * 100;
  console.log(`  harness adds ${dp.toFixed(1)}% to p50 and costs ${dq.toFixed(1)}% of QPS (goal < 5%: ${Math.max(dp, dq) < 5 ? 'met' : 'NOT met'})`);
  return 0;
}

process.exitCode = await main().catch((err: Error) => {
  process.stderr.write(`bench-harness: error: ${err.message}\n`);
  return 1;
});
