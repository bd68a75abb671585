import { describe, expect, it } from 'vitest';
import { blockFigures, clientOrder, medianOf, nodeSlices, peerRatio, ratioText } from '../../lib/bench/peer-ratios.js';
import { measuredLatenciesMs, pgbenchLatenciesMs, pgbenchScripts } from '../../lib/bench/pgbench-script.js';
import { dialect } from '../../lib/targets/postgres/dialect.js';
import { QUERIES } from '../../lib/workload/queries.js';

const q = (id: string) => QUERIES.find((x) => x.id === id)!;

describe('bench-peers arithmetic', () => {
  it('block figures drop the first requests and use type-7 percentiles', () => {
    const xs = [100, 100, ...Array.from({ length: 101 }, (_, i) => i)]; // 0..100 after discarding 2
    expect(blockFigures(xs, 2)).toEqual({ p50: 50, p99: 99 });
    expect(() => blockFigures([1, 2], 2)).toThrow(/nothing left/);
  });
  it('ratios are per round pathbench / peer, summarised by their median with a CI that contains it', () => {
    const path = [{ p50: 2, p99: 10 }, { p50: 3, p99: 12 }, { p50: 4, p99: 30 }];
    const peer = [{ p50: 1, p99: 10 }, { p50: 2, p99: 6 }, { p50: 2, p99: 10 }];
    const r = peerRatio(path, peer, 1, 't');
    expect(r.p50.ci.estimate).toBe(2); // ratios 2, 1.5, 2
    expect(r.p99.ci.estimate).toBe(2); // ratios 1, 2, 3
    expect(r.p50.n).toBe(3);
    for (const s of [r.p50, r.p99]) expect(s.ci.low <= s.ci.estimate && s.ci.estimate <= s.ci.high).toBe(true);
    expect(r.p99.ci.low).toBeGreaterThanOrEqual(1);
    expect(r.p99.ci.high).toBeLessThanOrEqual(3);
    expect(ratioText(r.p50)).toMatch(/^2\.00× \[1\.50, 2\.00\]$/);
    expect(medianOf(path, 'p99')).toBe(12);
    expect(() => peerRatio(path, peer.slice(1), 1, 't')).toThrow(/3 values of A but 2 of B/);
  });
  it('orders the clients so that over six rounds each leads twice and follows each other client equally often', () => {
    const c = ['a', 'b', 'c'];
    const orders = [0, 1, 2, 3, 4, 5, 6].map((r) => clientOrder(c, r).join(''));
    expect(orders).toEqual(['abc', 'bca', 'cab', 'cba', 'acb', 'bac', 'abc']);
    const follows = new Map<string, number>();
    const seq = orders.slice(0, 6).join('');
    for (let i = 1; i < seq.length; i++) follows.set(seq.slice(i - 1, i + 1), (follows.get(seq.slice(i - 1, i + 1)) ?? 0) + 1);
    // Within rounds every ordered pair occurs twice; across round boundaries too, so each pair 3 or 4 times in 17 transitions.
    for (const x of c) for (const y of c) if (x !== y) expect(follows.get(x + y)).toBeGreaterThanOrEqual(2);
    for (const x of c) expect(orders.slice(0, 6).filter((o) => o.startsWith(x))).toHaveLength(2);
  });
});

describe('Node slices', () => {
  it('cover the requests once, in order, as equal as can be, the two clients alternating AB, BA, …', () => {
    const s = nodeSlices(['p', 'b'] as const, 23, 4);
    expect(s).toEqual([
      { start: 0, end: 6, order: ['p', 'b'] },
      { start: 6, end: 12, order: ['b', 'p'] },
      { start: 12, end: 18, order: ['p', 'b'] },
      { start: 18, end: 23, order: ['b', 'p'] },
    ]);
    // One slice: a whole block each, pathbench first; never more slices than requests.
    expect(nodeSlices(['p', 'b'] as const, 5, 1)).toEqual([{ start: 0, end: 5, order: ['p', 'b'] }]);
    expect(nodeSlices(['p', 'b'] as const, 2, 10)).toHaveLength(2);
  });

  it('alternating with pgbench: the Node block leads every other round', () => {
    expect([0, 1, 2, 3].map((r) => clientOrder(['node', 'pgbench'], r).join(','))).toEqual(['node,pgbench', 'pgbench,node', 'node,pgbench', 'pgbench,node']);
  });
});

describe('pgbench scripts', () => {
  const o = { datasetSize: 1000, k: 5, pool: ['[1,2]', '[3,4]'] };
  it('extended/prepared: variables as parameters, one script per pool vector', () => {
    const s = pgbenchScripts(q('vector_cosine'), dialect.vector_cosine, 'prepared', o);
    expect(s.scripts).toEqual([
      'SELECT id, embedding <=> :qv0 AS distance FROM benchmark_vectors ORDER BY embedding <=> :qv0 LIMIT :k;\n',
      'SELECT id, embedding <=> :qv1 AS distance FROM benchmark_vectors ORDER BY embedding <=> :qv1 LIMIT :k;\n',
    ]);
    expect(s.defines).toEqual({ k: '5', qv0: '[1,2]', qv1: '[3,4]' });
    expect(pgbenchScripts(q('simple_select_id'), dialect.simple_select_id, 'extended', o).scripts).toEqual([
      '\\set id random(1, 1000)\nSELECT id, embedding FROM benchmark_vectors WHERE id = :id;\n',
    ]);
  });
  it('simple: quoted literals where pathbench renders strings, the join on one line', () => {
    expect(pgbenchScripts(q('vector_cosine'), dialect.vector_cosine, 'simple', o).scripts[1]).toBe(
      "SELECT id, embedding <=> ':qv1' AS distance FROM benchmark_vectors ORDER BY embedding <=> ':qv1' LIMIT :k;\n",
    );
    const join = pgbenchScripts(q('join'), dialect.join, 'simple', o).scripts[0]!;
    expect(join).toMatch(/^\\set l random\(1, 1000\)\nSELECT v\.id, .* WHERE m\.label = 'vector_:l';\n$/);
    expect(join.split('\n')).toHaveLength(3);
    expect(pgbenchScripts(q('join'), dialect.join, 'extended', o).scripts[0]).toContain("WHERE m.label = 'vector_' || :l;");
  });
  it('refuses a parameter it cannot draw', () => {
    expect(() => pgbenchScripts(q('vector_filter'), dialect.vector_filter, 'simple', o)).toThrow(/category parameter of vector_filter/);
  });
  it('reads per-transaction latencies (µs → ms) from the -l log and rejects other lines', () => {
    expect(pgbenchLatenciesMs('0 1 1805 0 1796473017 562660\n0 2 157 0 1796473017 562847\n')).toEqual([1.805, 0.157]);
    expect(() => pgbenchLatenciesMs('0 3 failed 0 1796473017 562922\n')).toThrow(/unexpected pgbench log line/);
    // A transaction logged at 0 µs was not timed (pgbench's lazy clock): left out and counted.
    expect(measuredLatenciesMs(pgbenchLatenciesMs('0 1 1805 0 1796473017 562660\n0 2 0 0 1796473017 562661\n0 3 157 0 1796473017 562847\n'))).toEqual({ ms: [1.805, 0.157], unmeasured: 1 });
    expect(measuredLatenciesMs([0, 0])).toEqual({ ms: [], unmeasured: 2 });
  });
});
