/**
 * `make tail-anatomy`: what the slowest 1% of each target × query's measured requests have in
 * common (lib/stats/tail-anatomy.ts): a GC pause, a slow parameter value (query vector, category),
 * a stall shared with other queries' tail requests, more rows — and whether the same sequence
 * positions are slow in another run of the same seed. Reads a store; never writes it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../lib/env/package-version.js';
import { ConfigError, ExitCode, PathbenchError } from '../lib/errors.js';
import { TAIL_CAUSES, recurringPositions, tailAnatomy, type TailAnatomyRow, type TailSample } from '../lib/stats/tail-anatomy.js';
import { openStore } from '../lib/store/open.js';
import type { SqliteDb } from '../lib/store/sqlite.js';
import { paramSequence, type WorkloadShape } from '../lib/workload/params.js';
import { QUERIES, type QueryId } from '../lib/workload/queries.js';

const USAGE = `usage: make tail-anatomy ARGS="--store FILE [--runs RUN[,OTHER]] [--near-ms 50]"
  --store    the SQLite store (default data/bench.sqlite)
  --runs     the run to analyse, and one to compare its tail positions with (default: the two latest complete runs)
  --near-ms  window for "shared" stalls (default 50)`;

async function anatomy(db: SqliteDb, runId: string, nearMs: number): Promise<TailAnatomyRow[]> {
  const run = await db.get<{ config_json: string }>('SELECT config_json FROM runs WHERE run_id = ?', [runId]);
  if (!run) throw new PathbenchError(`tail-anatomy: no run ${runId} in the store`, ExitCode.usage);
  const c = JSON.parse(run.config_json) as WorkloadShape;
  const samples = await db.all<TailSample>("SELECT target, query_id, iteration, start_ns, elapsed_ns, row_count FROM samples WHERE run_id = ? AND phase = 'measure' AND ok = 1", [runId]);
  const pauses = await db.all<{ start_ns: number; duration_ns: number }>("SELECT start_ns, duration_ns FROM gc_pauses WHERE run_id = ? AND phase = 'measure'", [runId]);
  const iterations = 1 + Math.max(0, ...samples.map((s) => s.iteration));
  const values = new Map<string, (string | undefined)[]>();
  for (const q of QUERIES) {
    const few = q.params.findIndex((p) => p === 'query_vector' || p === 'category');
    if (few < 0) continue;
    values.set(q.id, paramSequence(c, 'measure', q.id as QueryId, iterations).map((ps) => {
      const p = ps[few]!;
      return typeof p === 'object' ? ('vector' in p ? `query vector ${p.vector}` : `new row ${p.newRow}`) : String(p);
    }));
  }
  return tailAnatomy(samples, pauses, { paramOf: (q, i) => values.get(q)?.[i], nearMs });
}

async function main(argv: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({ args: argv, strict: true, options: { store: { type: 'string' }, runs: { type: 'string' }, 'near-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (err) {
    throw new ConfigError([`${(err as Error).message.replace(/\.$/, '')}.\n${USAGE}`], 'tail-anatomy');
  }
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const nearMs = Number(v['near-ms'] ?? 50);
  if (!(nearMs > 0)) throw new ConfigError([`--near-ms: expected a positive number, got "${v['near-ms']}"`], 'tail-anatomy');
  const db = await openStore(resolve(PROJECT_ROOT, v.store ?? 'data/bench.sqlite'));
  try {
    const ids = v.runs
      ? v.runs.split(',')
      : (await db.all<{ run_id: string }>("SELECT run_id FROM runs WHERE kind = 'measure' AND status = 'complete' ORDER BY created_at DESC LIMIT 2", [])).map((r) => r.run_id);
    if (ids.length === 0) throw new PathbenchError('tail-anatomy: no complete measure run in the store; run make measure first', ExitCode.usage);
    const rows = await anatomy(db, ids[0]!, nearMs);
    const other = ids[1] ? new Map((await anatomy(db, ids[1], nearMs)).map((r) => [`${r.target} ${r.query_id}`, r.positions])) : undefined;
    console.log(`tail-anatomy: run ${ids[0]}, slowest 1% per target × query, first cause that fits (gc, parameter ≥ 1.5× the median, shared within ±${nearMs} ms, more rows)${other ? `; positions compared with run ${ids[1]}` : ''}`);
    console.log(`  ${'target'.padEnd(12)} ${'query'.padEnd(22)} ${'tail'.padStart(5)}  ${TAIL_CAUSES.map((c) => c.padStart(11)).join('')}  ${other ? 'recurring  ' : ''}slowest parameter value`);
    const total = Object.fromEntries(TAIL_CAUSES.map((c) => [c, 0])) as Record<string, number>;
    let tails = 0;
    for (const r of rows) {
      tails += r.tail;
      for (const c of TAIL_CAUSES) total[c]! += r.causes[c];
      const rec = other ? `${(100 * recurringPositions(r.positions, other.get(`${r.target} ${r.query_id}`) ?? [])).toFixed(0).padStart(8)}%  ` : '';
      const slow = r.slowestValue ? `${r.slowestValue.value} ${r.slowestValue.ratio.toFixed(2)}×` : '—';
      console.log(`  ${r.target.padEnd(12)} ${r.query_id.padEnd(22)} ${String(r.tail).padStart(5)}  ${TAIL_CAUSES.map((c) => String(r.causes[c]).padStart(11)).join('')}  ${rec}${slow}`);
    }
    console.log(`  ${'all'.padEnd(35)} ${String(tails).padStart(5)}  ${TAIL_CAUSES.map((c) => `${total[c]} (${((100 * total[c]!) / Math.max(1, tails)).toFixed(0)}%)`.padStart(11)).join('')}`);
    return 0;
  } finally {
    await db.close();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`tail-anatomy: error: ${err instanceof Error ? err.message : String(err)}\n`);
  return err instanceof PathbenchError ? err.exitCode : 1;
});
