import { describe, expect, it } from 'vitest';
import type { PreparedTarget } from '../../lib/measure/prepare.js';
import { runPhase } from '../../lib/measure/run-phase.js';
import { balancedOrder, timedOrder, type Schedule } from '../../lib/measure/schedule.js';
import type { OpenTarget } from '../../lib/pipeline/targets.js';
import type { Session, TargetModule } from '../../lib/targets/interface.js';
import type { SampleRow } from '../../lib/store/samples.js';
import { QUERIES } from '../../lib/workload/queries.js';

const triples = (o: Int32Array) => Array.from({ length: o.length / 3 }, (_, s) => [o[3 * s]!, o[3 * s + 1]!, o[3 * s + 2]!] as const);
/** "q0:A0 A1 B0 B1 …": query, then target letter and iteration of each request. */
const text = (o: Int32Array) => triples(o).map(([i, q, t]) => `${q}${'ABC'[t]}${i}`).join(' ');

describe('timedOrder', () => {
  it('interleaved: every query per iteration, the target order balanced (three targets: the rotations, then their mirror)', () => {
    expect(text(timedOrder('interleaved', 2, 2, 2))).toBe('0A0 0B0 1A0 1B0 0B1 0A1 1B1 1A1');
    expect(text(timedOrder('interleaved', 1, 3, 6))).toBe('0A0 0B0 0C0 0B1 0C1 0A1 0C2 0A2 0B2 0C3 0B3 0A3 0A4 0C4 0B4 0B5 0A5 0C5');
  });

  it('balancedOrder: over every 2n rounds each target leads equally often and follows each other target right after it equally often', () => {
    expect([0, 1, 2, 3].map((r) => balancedOrder(4, r).join(''))).toEqual(['0132', '1203', '2310', '3021']);
    for (const n of [2, 3, 4, 5, 6, 7]) {
      const leads = new Array(n).fill(0);
      const follows = new Map<string, number>();
      for (let r = 0; r < 2 * n; r++) {
        const o = balancedOrder(n, r);
        expect([...o].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        leads[o[0]!]++;
        for (let k = 1; k < n; k++) follows.set(`${o[k - 1]}>${o[k]}`, (follows.get(`${o[k - 1]}>${o[k]}`) ?? 0) + 1);
      }
      expect(new Set(leads).size).toBe(1);
      // every ordered pair of different targets, the same number of times
      expect(follows.size).toBe(n * (n - 1));
      expect(new Set(follows.values()).size).toBe(1);
    }
  });

  it('blocked, 2 targets: each query back to back per target, ABBA halves, the opening target alternating by query', () => {
    expect(text(timedOrder('blocked', 2, 2, 4))).toBe('0A0 0A1 0B0 0B1 0B2 0B3 0A2 0A3 1B0 1B1 1A0 1A1 1A2 1A3 1B2 1B3');
  });

  it('blocked, 3 targets: A B C then C B A per query; an odd count puts the extra iteration in the first half', () => {
    expect(text(timedOrder('blocked', 1, 3, 3))).toBe('0A0 0A1 0B0 0B1 0C0 0C1 0C2 0B2 0A2');
    expect(text(timedOrder('blocked', 2, 3, 2)).split(' ').slice(6).join(' ')).toBe('1B0 1C0 1A0 1A1 1C1 1B1');
  });

  it('blocked cancels linear drift: every target has the same mean position within each query', () => {
    for (const n of [2, 3]) {
      const o = triples(timedOrder('blocked', 1, n, 10));
      const mean = (t: number) => o.flatMap(([, , tt], pos) => (tt === t ? [pos] : [])).reduce((a, b) => a + b, 0) / 10;
      for (let t = 1; t < n; t++) expect(mean(t)).toBe(mean(0));
    }
  });

  for (const s of ['interleaved', 'blocked'] as const) {
    it(`${s}: each (query, target) gets iterations 0..n-1 exactly once, in ascending order`, () => {
      for (const n of [2, 3]) {
        const o = triples(timedOrder(s, 3, n, 7));
        expect(o).toHaveLength(3 * n * 7);
        for (let q = 0; q < 3; q++) for (let t = 0; t < n; t++) expect(o.filter(([, qq, tt]) => qq === q && tt === t).map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      }
    });
  }
});

/** Records the parameters each call got, per target. */
function recordingTarget(id: string, log: Map<string, unknown[]>): PreparedTarget {
  const session: Session = {
    async query(sql: string, params: readonly unknown[]) {
      log.set(`${id} ${sql}`, [...(log.get(`${id} ${sql}`) ?? []), params[0]]);
      return { rowCount: 1, rows: [[1]] };
    },
    exec: async () => {}, loadVectors: async () => {}, loadMetadata: async () => {}, close: async () => {},
  };
  const module = { id, isConnectionLoss: () => false } as unknown as TargetModule;
  const target = { id, module, ctx: { options: {}, root: '/' }, session } as OpenTarget;
  // Call i of query q carries the parameter `${q.id}#${i}`, the same on every target (as prepareCalls binds them).
  return { target, calls: QUERIES.map((q) => Array.from({ length: 6 }, (_, i) => ({ sql: q.id, params: [`${q.id}#${i}`] }))) };
}

describe('runPhase schedules', () => {
  it('send the same parameter sequence on every path in both schedules', async () => {
    const seen: Record<Schedule, Map<string, unknown[]>> = { interleaved: new Map(), blocked: new Map() };
    const stored: Record<Schedule, SampleRow[]> = { interleaved: [], blocked: [] };
    for (const s of ['interleaved', 'blocked'] as const) {
      await runPhase({ runId: 'r', phase: 'measure', queries: QUERIES, iterations: 6, schedule: s, targets: ['a', 'b', 'c'].map((id) => recordingTarget(id, seen[s])), flush: async (rows) => void stored[s].push(...rows) });
    }
    expect(seen.blocked).toEqual(seen.interleaved);
    for (const q of QUERIES) for (const t of ['a', 'b', 'c']) expect(seen.blocked.get(`${t} ${q.id}`)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `${q.id}#${i}`));
    // the stored iteration numbers name the same calls
    const key = (x: SampleRow) => `${x.target} ${x.query_id} ${x.iteration}`;
    expect(stored.blocked.map(key).sort()).toEqual(stored.interleaved.map(key).sort());
    // blocked: consecutive requests repeat one query
    expect(stored.blocked.slice(0, 3).map((x) => `${x.target} ${x.query_id}`)).toEqual(Array(3).fill(`a ${QUERIES[0]!.id}`));
  });
});
