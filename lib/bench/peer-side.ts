import type pg from 'pg';
import type { ResolvedConfig } from '../config/load.js';
import { PROJECT_ROOT } from '../env/package-version.js';
import { ExitCode, PathbenchError, errorText } from '../errors.js';
import { bareLoop } from '../measure/bare-loop.js';
import type { PreparedCall } from '../measure/prepare.js';
import { runPhase } from '../measure/run-phase.js';
import { prepareSessions } from '../pipeline/session-setup.js';
import type { OpenTarget } from '../pipeline/targets.js';
import { connectPg } from '../targets/pg-session.js';
import { pgvectorServerSession } from '../targets/pgvector-sql/server-session.js';
import { connectionConfig, statementWatch } from '../targets/postgres/index.js';
import type { PostgresOptions } from '../targets/postgres/options.js';
import { statementName, type QueryMode } from '../targets/query-mode.js';
import { loadTarget } from '../targets/registry.js';
import type { QueryTemplate } from '../workload/queries.js';

/**
 * The two Node clients of `make bench-peers` (and of scripts/profile-peers.ts, which profiles
 * them): pathbench's measure loop over the postgres target's Session, and a bare node-postgres
 * loop, on one connection per statement mode.
 */
export interface Side {
  mode: QueryMode;
  target: OpenTarget;
  bare: pg.Client;
  pools: Map<string, unknown[]>;
}

/**
 * One connection per mode, shared by pathbench and the bare loop (as make bench-harness does): a
 * second connection has a server backend of its own, and on a shared machine two backends differ
 * by as much as the gap being measured (seen here: 0.06 vs 0.10 ms p50 on the join, same loop).
 * The Session is the one the postgres target's open() returns (pgvectorServerSession over
 * connectPg with the statement watchdog), minus its SET maintenance_work_mem, which only seed uses.
 */
export async function openSide(c: ResolvedConfig, mode: QueryMode): Promise<Side> {
  const module = await loadTarget('postgres');
  const options = { ...(c.target_options.postgres as Record<string, unknown>), query_mode: mode } as PostgresOptions;
  const bare = await connectPg(connectionConfig(options), statementWatch(options)).catch((err: unknown) => {
    throw new PathbenchError(`bench-peers: cannot connect to PostgreSQL at ${options.host}:${options.port}: ${errorText(err)}`, ExitCode.targetUnavailable);
  });
  const target: OpenTarget = { id: 'postgres', type: 'postgres', module, ctx: { options, root: PROJECT_ROOT }, session: pgvectorServerSession(bare, mode) };
  const pools = await prepareSessions(c, [target]);
  return { mode, target, bare, pools };
}

/** pathbench's client: runPhase, the measure stage's loop, over the Session (latencies in ms). */
export async function pathbenchLoop(side: Side, q: QueryTemplate, calls: readonly PreparedCall[], n: number): Promise<Float64Array> {
  const latencies = new Float64Array(n);
  let i = 0;
  const r = await runPhase({
    runId: 'bench-peers', phase: 'measure', queries: [q], targets: [{ target: side.target, calls: [calls as PreparedCall[]] }], iterations: n,
    flush: async (rows) => {
      for (const s of rows) latencies[i++] = s.elapsed_ns / 1e6;
    },
  });
  if (r.failed > 0) throw new Error(`${q.id} failed in the measure loop (${side.mode}): ${[...r.firstErrors.values()][0]}`);
  return latencies;
}

/**
 * The bare client: clock, `await client.query(config)`, clock (lib/measure/bare-loop.ts) on the
 * same connection, sending the very statements and parameters pathbench sends (named in prepared
 * mode, rendered literals in simple mode; latencies in ms).
 */
export async function bareClientLoop(side: Side, calls: readonly PreparedCall[], n: number): Promise<Float64Array> {
  let i = 0;
  const name = side.mode === 'prepared' ? statementName(calls[0]!.sql) : undefined;
  const x = await bareLoop(() => {
    const call = calls[i++]!;
    return side.bare.query({ text: call.sql, values: call.params as unknown[], rowMode: 'array', ...(name ? { name } : {}), ...(side.mode === 'extended' ? { queryMode: 'extended' } : {}) });
  }, n);
  return x.latenciesMs;
}
