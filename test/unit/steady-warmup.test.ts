import { describe, expect, it } from 'vitest';
import type { PreparedTarget } from '../../lib/measure/prepare.js';
import { steadyCheck } from '../../lib/measure/steady-state.js';
import { steadyWarmup } from '../../lib/measure/steady-warmup.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import type { Session, TargetModule } from '../../lib/targets/interface.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { QUERIES } from '../../lib/workload/queries.js';

/**
 * A synthetic session: the latency of the n-th execution of each query (ms) is latencyMs(n),
 * reported as the session's own in-thread timing, which the harness takes in place of its own
 * clock readings (lib/measure/timed-call.ts) — so the series is exact, whatever the machine does.
 */
function syntheticTarget(id: string, latencyMs: (n: number) => number): PreparedTarget {
  const seen = new Map<string, number>();
  const session: Session = {
    async query(sql: string) {
      const n = seen.get(sql) ?? 0;
      seen.set(sql, n + 1);
      return { rowCount: 1, rows: [[1]], timing: { t0: process.hrtime.bigint(), elapsedNs: BigInt(Math.round(latencyMs(n) * 1e6)) } };
    },
    exec: async () => {},
    loadVectors: async () => {},
    loadMetadata: async () => {},
    close: async () => {},
  };
  const module = { id, isConnectionLoss: () => false } as unknown as TargetModule;
  const target = { id, module, ctx: { options: {}, root: '/' }, session } as OpenTarget;
  return { target, calls: QUERIES.map((q) => Array.from({ length: 7 }, () => ({ sql: q.id, params: [] }))) };
}

const run = (targets: PreparedTarget[], o: { min?: number; maxSeconds?: number } = {}) => {
  const written: SampleRow[] = [];
  return steadyWarmup({
    runId: 'r', queries: QUERIES, targets, minIterations: o.min ?? 5, window: 10, tolerance: 0.03, maxSeconds: o.maxSeconds ?? 30,
    flush: async (rows) => void written.push(...rows),
  }).then((r) => ({ ...r, written }));
};

describe('steadyCheck', () => {
  it('needs two full windows, then compares their medians', () => {
    expect(steadyCheck([1, 1, 1], 2, 0.03)).toEqual({ converged: false, change: null });
    expect(steadyCheck([2, 2, 1, 1], 2, 0.03)).toEqual({ converged: false, change: -0.5 });
    expect(steadyCheck([1, 1.02, 1, 1.02], 2, 0.03).converged).toBe(true);
  });
});

describe('steadyWarmup', () => {
  // 4 ms falling by 0.1 ms per execution for 30 executions, then flat at 1 ms. The window before
  // the last needs ≥ 6 flat values for its median to be 1 ms (5 give (1 + 1.1)/2 = 1.05, +5%):
  // it is [n−20, n−10), so n − 10 − 30 ≥ 6, n = 46.
  const decayThenFlat = (n: number) => (n < 30 ? 4 - 0.1 * n : 1);

  it('a latency that decays then flattens converges at the first point where two windows agree', async () => {
    const r = await run([syntheticTarget('a', decayThenFlat), syntheticTarget('b', decayThenFlat)]);
    expect(r.outcomes).toHaveLength(QUERIES.length * 2);
    for (const x of r.outcomes) {
      expect(x).toMatchObject({ converged: 1, iterations: 46, last_change: 0, stopped_by: null });
    }
    expect(r.written).toHaveLength(46 * QUERIES.length * 2);
    expect(r.written.every((s) => s.phase === 'warmup')).toBe(true);
  });

  it('never stops before `warmup` executions', async () => {
    const r = await run([syntheticTarget('a', decayThenFlat)], { min: 60 });
    expect(r.outcomes.every((x) => x.iterations === 60 && x.converged === 1)).toBe(true);
  });

  it('a latency that never settles stops at the cap and is reported not converged', async () => {
    // Grows 10% per execution: every pair of windows differs by far more than 3%.
    const r = await run([syntheticTarget('a', (n) => 1.1 ** (n % 200))], { maxSeconds: 0.2 });
    for (const x of r.outcomes) {
      expect(x.converged).toBe(0);
      expect(x.stopped_by).toBe('cap');
      expect(x.wall_s).toBeGreaterThanOrEqual(0.2);
      // signed: the sequence wraps every 200 executions, so the last change may be a fall
      expect(Math.abs(x.last_change!)).toBeGreaterThan(0.03);
    }
  });

  it('a pair that settled keeps running in the mix until all have, its convergence point recorded', async () => {
    const slow = syntheticTarget('slow', (n) => (n < 100 ? 50 - 0.4 * n : 10));
    const r = await run([syntheticTarget('fast', decayThenFlat), slow]);
    expect(r.outcomes.filter((x) => x.target === 'fast').every((x) => x.iterations === 46 && x.converged === 1)).toBe(true);
    const slowAt = Math.max(...r.outcomes.filter((x) => x.target === 'slow').map((x) => x.iterations));
    expect(slowAt).toBeGreaterThan(100);
    for (const q of QUERIES) expect(r.written.filter((s) => s.target === 'fast' && s.query_id === q.id).length).toBe(slowAt);
  });

  it('a failure stops that pair only (not converged, with its error), and it is not sent again', async () => {
    const failing = syntheticTarget('bad', decayThenFlat);
    const query = failing.target.session.query.bind(failing.target.session);
    failing.target.session.query = async (sql, params) => {
      if (sql === QUERIES[0]!.id) throw new Error('relation "items" does not exist');
      return query(sql, params);
    };
    const r = await run([failing]);
    expect(r.outcomes.find((x) => x.query_id === QUERIES[0]!.id)).toMatchObject({ converged: 0, iterations: 1, stopped_by: 'relation "items" does not exist' });
    expect(r.written.filter((s) => s.query_id === QUERIES[0]!.id)).toHaveLength(1);
    expect(r.outcomes.filter((x) => x.converged === 1)).toHaveLength(QUERIES.length - 1);
  });

  it('warmup_max_s 0: exactly `warmup` executions, no convergence check', async () => {
    const r = await run([syntheticTarget('a', (n) => 1.1 ** n)], { min: 7, maxSeconds: 0 });
    expect(r.outcomes.every((x) => x.iterations === 7 && x.last_change === null)).toBe(true);
  });
});
