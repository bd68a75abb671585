import { describe, expect, it } from 'vitest';
import { TargetUnavailableError } from '../../lib/errors.js';
import type { PreparedTarget } from '../../lib/measure/prepare.js';
import { runPhase } from '../../lib/measure/run-phase.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import type { Session, TargetModule } from '../../lib/targets/interface.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { QUERIES, WRITE_QUERIES } from '../../lib/workload/queries.js';

/**
 * Loop plumbing with a fake target (a test double is right here: this is about the harness, not
 * a database). Real databases are exercised by the integration tests.
 */
function fakeTarget(id: string, behave: (call: number) => 'ok' | 'query-error' | 'lost'): PreparedTarget {
  let calls = 0;
  const session: Session = {
    async query() {
      const b = behave(calls++);
      if (b === 'query-error') throw new Error('syntax error at or near "FROM"');
      if (b === 'lost') throw new Error('Connection terminated unexpectedly');
      return { rowCount: 1, rows: [[1]] };
    },
    exec: async () => {},
    loadVectors: async () => {},
    loadMetadata: async () => {},
    close: async () => {},
  };
  const module = { id, isConnectionLoss: (e: unknown) => /Connection terminated/.test(String((e as Error).message)) } as unknown as TargetModule;
  const target = { id, module, ctx: { options: {}, root: '/' }, session } as OpenTarget;
  return { target, calls: QUERIES.map(() => Array.from({ length: 5 }, () => ({ sql: 'SELECT 1', params: [] }))) };
}

describe('runPhase', () => {
  it('interleaves targets, rotating their order each iteration, and stores one sample per call', async () => {
    const written: SampleRow[] = [];
    const r = await runPhase({
      runId: 'r', phase: 'measure', queries: QUERIES, iterations: 3,
      targets: [fakeTarget('a', () => 'ok'), fakeTarget('b', () => 'ok')],
      flush: async (rows) => void written.push(...rows),
    });
    expect(r.samples).toBe(3 * QUERIES.length * 2);
    expect(written).toHaveLength(r.samples);
    // iteration 0 starts with a, iteration 1 with b
    expect(written.filter((s) => s.iteration === 0).slice(0, 2).map((s) => s.target)).toEqual(['a', 'b']);
    expect(written.filter((s) => s.iteration === 1).slice(0, 2).map((s) => s.target)).toEqual(['b', 'a']);
    // start offsets increase, elapsed are non-negative integers
    for (let i = 1; i < written.length; i++) expect(written[i]!.start_ns).toBeGreaterThanOrEqual(written[i - 1]!.start_ns);
    expect(written.every((s) => Number.isInteger(s.elapsed_ns) && s.elapsed_ns >= 0)).toBe(true);
  });

  it('stores failed queries with their error and keeps going', async () => {
    const written: SampleRow[] = [];
    const r = await runPhase({
      runId: 'r', phase: 'measure', queries: QUERIES, iterations: 2,
      targets: [fakeTarget('a', (n) => (n % 3 === 0 ? 'query-error' : 'ok'))],
      flush: async (rows) => void written.push(...rows),
    });
    expect(r.failed).toBe(written.filter((s) => s.ok === 0).length);
    expect(r.failed).toBeGreaterThan(0);
    expect(written.find((s) => s.ok === 0)?.error).toContain('syntax error');
    expect(written.find((s) => s.ok === 0)?.row_count).toBeNull();
  });

  it('aborts on a lost connection, naming the target, after flushing the samples so far', async () => {
    const written: SampleRow[] = [];
    const run = runPhase({
      runId: 'r', phase: 'measure', queries: QUERIES, iterations: 5,
      targets: [fakeTarget('a', () => 'ok'), fakeTarget('b', (n) => (n >= 10 ? 'lost' : 'ok'))],
      flush: async (rows) => void written.push(...rows),
    });
    await expect(run).rejects.toBeInstanceOf(TargetUnavailableError);
    await expect(run).rejects.toThrow(/b: lost during measure/);
    expect(written.length).toBeGreaterThan(10);
    expect(written.at(-1)).toMatchObject({ target: 'b', ok: 0 });
  });

  it('keeps the final store write out of wallNs, and flushes mid-phase only to make room', async () => {
    const sizes: number[] = [];
    const slowFlushMs = 300;
    const r = await runPhase({
      runId: 'r', phase: 'measure', queries: QUERIES, iterations: 4,
      targets: [fakeTarget('a', () => 'ok')],
      flush: async (rows) => {
        sizes.push(rows.length);
        await new Promise((res) => setTimeout(res, slowFlushMs));
      },
    });
    // One buffer holds the whole phase: a single flush, after the clock stopped.
    expect(sizes).toEqual([4 * QUERIES.length]);
    expect(r.wallNs / 1e6).toBeLessThan(slowFlushMs);

    // A buffer of two iterations: flushed when the next iteration would not fit, never after the last.
    const sizes2: number[] = [];
    const written: SampleRow[] = [];
    await runPhase({
      runId: 'r', phase: 'measure', queries: QUERIES, iterations: 5, flushEvery: QUERIES.length,
      targets: [fakeTarget('a', () => 'ok')],
      flush: async (rows) => {
        sizes2.push(rows.length);
        written.push(...rows);
      },
    });
    expect(sizes2).toEqual([2, 2, 1].map((k) => k * QUERIES.length));
    expect(written.map((s) => s.iteration)).toEqual([0, 1, 2, 3, 4].flatMap((i) => QUERIES.map(() => i)));
  });

  it('re-warms untimed the first request of the next iteration on each target after a memory probe, with the iteration before\'s parameters, and never a write', async () => {
    // Each target records every call's parameters; the calls carry (iteration, query) as parameters.
    const seen: Record<string, unknown[][]> = { a: [], b: [] };
    const target = (id: string): PreparedTarget => {
      const t = fakeTarget(id, () => 'ok');
      const session = { ...t.target.session, query: async (_sql: string, params: unknown[]) => (seen[id]!.push(params), { rowCount: 1, rows: [[1]] }) };
      return { target: { ...t.target, session } as OpenTarget, calls: QUERIES.map((q, qi) => Array.from({ length: 4 }, (_, i) => ({ sql: q.id, params: [i, qi] }))) };
    };
    const written: SampleRow[] = [];
    const r = await runPhase({
      runId: 'r', phase: 'measure', queries: QUERIES, iterations: 4, rewarmFirst: true,
      targets: [target('a'), target('b')],
      flush: async (rows) => void written.push(...rows),
      onIteration: (done) => done === 2, // the "memory probe" ran after iteration 2 (index 1)
    });
    expect(r.samples).toBe(4 * QUERIES.length * 2); // re-warms are not samples
    // Target a: the first-iteration re-warm (query 0, parameters of iteration 0), the timed
    // iterations 0 and 1, then the re-warm of query 0 with iteration 1's parameters, then iterations 2, 3.
    const perIteration = QUERIES.length;
    expect(seen.a!.length).toBe(4 * perIteration + 2);
    expect(seen.a![0]).toEqual([0, 0]);
    expect(seen.a![1 + 2 * perIteration]).toEqual([1, 0]);
    expect(seen.a![2 + 2 * perIteration]).toEqual([2, 0]); // then the timed request of iteration 2
    expect(seen.b!.length).toBe(4 * perIteration + 2);
    // Without the signal, no re-warm at all.
    for (const k of Object.keys(seen)) seen[k] = [];
    await runPhase({ runId: 'r', phase: 'measure', queries: QUERIES, iterations: 2, targets: [target('a'), target('b')], flush: async () => {} });
    expect(seen.a!.length).toBe(2 * perIteration);
    // A write is never repeated: with a write first in the iteration, the re-warm skips it.
    const write = WRITE_QUERIES[0]!;
    for (const k of Object.keys(seen)) seen[k] = [];
    await runPhase({ runId: 'r', phase: 'measure', queries: [write], iterations: 2, rewarmFirst: true, targets: [target('a')], flush: async () => {}, onIteration: () => true });
    expect(seen.a!.length).toBe(2);
  });
});
