import { describe, expect, it } from 'vitest';
import { machineExplains, machineTookHalf, noiseFlags } from '../../lib/stats/noise.js';
import type { AggregateRow } from '../../lib/store/aggregates.js';
import type { SampleRow } from '../../lib/store/samples.js';
import type { MachineSpeed } from '../../lib/measure/speed-probe.js';

const agg = (over: Partial<AggregateRow>): AggregateRow => ({
  run_id: 'r', target: 't', level: 'query', key: 'q', category: 'simple', count: 100, failed: 0, mean_ms: 1, p50_ms: 1,
  p95_ms: 1, p99_ms: 1, min_ms: 1, max_ms: 1, qps: 1, qps_wall: 1, ...over,
});
const samples = (ms: (i: number) => number, n = 100): SampleRow[] =>
  Array.from({ length: n }, (_, i) => ({
    run_id: 'r', target: 't', query_id: 'q', category: 'simple', phase: 'measure', iteration: i, start_ns: i, elapsed_ns: Math.round(ms(i) * 1e6), row_count: 1, ok: 1, error: null,
  }));

describe('noise flags', () => {
  it('flags a p50 interval wider than ±10% and not one within it', () => {
    expect(noiseFlags('r', [agg({ p50_ms: 2, p50_low: 1.7, p50_high: 2.3 })], samples(() => 2))).toEqual([
      { run_id: 'r', target: 't', query_id: 'q', kind: 'wide interval', detail: 'p50 2.000 ms ± 0.300 (15% > 10%)' },
    ]);
    expect(noiseFlags('r', [agg({ p50_ms: 2, p50_low: 1.9, p50_high: 2.1 })], samples(() => 2))).toEqual([]);
  });

  it('flags a drift from 1 ms to 2 ms across the run, not a stable alternating series', () => {
    const drift = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], samples((i) => 1 + i / 99));
    expect(drift.map((f) => f.kind)).toEqual(['drift']);
    expect(drift[0]!.detail).toMatch(/first quarter, .* last \(\+\d+%\)/);
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], samples((i) => (i % 2 ? 1.2 : 1)))).toEqual([]);
  });
});

describe('a wide interval from the order effect (orderModesText)', () => {
  it('says the p50 lies between two modes when the requests that ran second were faster, and nothing without modes', () => {
    // Two paths, 100 iterations AB, BA, …: path t at 1.5 ms when it ran first, 1.0 ms when second; u 1.2 ms always.
    const rows: SampleRow[] = [];
    for (let i = 0; i < 100; i++) {
      const tFirst = i % 2 === 0;
      rows.push({ ...samples(() => 1)[0]!, iteration: i, target: 't', start_ns: i * 1e6 + (tFirst ? 0 : 5e5), elapsed_ns: tFirst ? 1.5e6 : 1e6 });
      rows.push({ ...samples(() => 1)[0]!, iteration: i, target: 'u', start_ns: i * 1e6 + (tFirst ? 5e5 : 0), elapsed_ns: 1.2e6 });
    }
    const flags = noiseFlags('r', [agg({ p50_ms: 1.25, p50_low: 1, p50_high: 1.5 }), agg({ target: 'u', p50_ms: 1.25, p50_low: 1.2, p50_high: 1.3 })], rows);
    expect(flags.map((f) => `${f.target} ${f.kind}`)).toEqual(['t wide interval']);
    expect(flags[0]!.detail).toBe('p50 1.250 ms ± 0.250 (20% > 10%); by which path ran its iteration first, its median was 1.000 ms one way and 1.500 ms the other (×1.50): ' +
      'the p50 lies between two modes, which widens its interval; the comparisons between paths take each order apart (see the order effect)');
    // One path alone: one order, no modes to tell.
    expect(noiseFlags('r', [agg({ p50_ms: 2, p50_low: 1.7, p50_high: 2.3 })], samples(() => 2))[0]!.detail).toBe('p50 2.000 ms ± 0.300 (15% > 10%)');
  });
});

describe('machine drift: a drift the speed probe explains', () => {
  // 100 iterations 1 ms apart: the first quarter at 1.2 ms, the rest at 1.0 ms (−17%).
  const slowStart = (n = 100) => samples((i) => (i < 25 ? 1.2 : 1), n).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
  // Probes 0.5 ms apart over the same 100 ms.
  const probe = (ms: (t: number) => number): MachineSpeed => {
    const start_ns = Array.from({ length: 200 }, (_, k) => k * 0.5e6);
    return { probe: 'test', gap_ms: 0.5, start_ns, ms: start_ns.map((t) => ms(t / 1e6)) };
  };

  it('is "machine drift" when the probe changed the same way over the same stretches, by more than 10%', () => {
    const flags = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe((t) => (t < 25 ? 0.62 : 0.5)));
    expect(flags).toEqual([{
      run_id: 'r', target: 't', query_id: 'q', kind: 'machine drift',
      detail: "median 1.200 ms in the first quarter, 1.000 ms in the last (-17%); the machine's speed probe took 0.620 ms then 0.500 ms over the same stretches (-19%): " +
        "the machine changed the same way by more than 10% (too few requests ran at the same machine speed in both quarters to compare them there), so the path's own drift cannot be told apart" +
        // The time course (lib/stats/drift-context.ts): 10 requests a tenth, the first 25 at 1.2 ms.
        '; by tenth of its requests, median ÷ its median: 1.20 1.20 1.10 1.00 1.00 1.00 1.00 1.00 1.00 1.00',
    }]);
    // A probe that reacts 3× as much (a tight CPU loop does, measured) still explains it.
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe((t) => (t < 25 ? 1.5 : 0.5))).map((f) => f.kind)).toEqual(['machine drift']);
    // A probe that moved less than the query (−12% against −17%): the machine was not the same, so
    // the path's share cannot be told. Measured: probe −31% while the queries moved −24% to −45%.
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe((t) => (t < 25 ? 0.57 : 0.5))).map((f) => f.kind)).toEqual(['machine drift']);
  });

  it('stays "drift" when the probe did not change, changed less, or changed the other way', () => {
    const flat = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe(() => 0.5));
    expect(flat.map((f) => f.kind)).toEqual(['drift']);
    // A flat probe: every request ran at the same speed, so the same-speed comparison is the whole quarters'.
    expect(flat[0]!.detail).toContain("then 0.500 ms over the same stretches (0%); on the requests that ran at the same machine speed (the probes on both sides within ±10% of 0.500 ms: " +
      "25 of the first quarter's 25, 25 of the last's), 1.200 ms then 1.000 ms (-17%): the path's own drift");
    // Probe −4% (0.52 → 0.50) against the query's −17%.
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe((t) => (t < 25 ? 0.52 : 0.5))).map((f) => f.kind)).toEqual(['drift']);
    // A first quarter whose probes flicker 0.5 / 0.6 ms: every request has a 0.6 on one side, so none ran
    // at a known same speed (the fallback), and the quarter's probe median is 0.5 ms, the same machine.
    const within = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe((t) => (t < 25 && Math.round(2 * t) % 2 === 1 ? 0.6 : 0.5)));
    expect(within.map((f) => f.kind)).toEqual(['drift']);
    expect(within[0]!.detail).toContain('the machine was the same within 10% or changed the other way (too few requests ran at the same machine speed in both quarters');
    // The machine slowed (+40%) while the query got faster.
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), probe((t) => (t < 25 ? 0.5 : 0.7))).map((f) => f.kind)).toEqual(['drift']);
  });

  it('compares the quarters on the requests at the same machine speed: a partly slow first quarter is the machine\'s', () => {
    // The query: 1.0 ms at normal speed, 1.3 ms while the machine is slow (ms 0–14 of 100), no warming.
    // First quarter (ms 0–24): 15 slow + 10 normal, median 1.3 ms; last quarter 1.0 ms: −23%, significant.
    const q = samples((i) => (i < 15 ? 1.3 : 1)).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
    // The probe: 0.8 ms while slow, 0.5 ms after. Its first-quarter median (30 of 50 probes slow) is 0.8 ms,
    // -38% to the last: machineExplains would say "machine" too, but for the wrong reason; see the next case.
    const flags = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], q, probe((t) => (t < 15 ? 0.8 : 0.5)));
    expect(flags).toEqual([{
      run_id: 'r', target: 't', query_id: 'q', kind: 'machine drift',
      detail: "median 1.300 ms in the first quarter, 1.000 ms in the last (-23%); the machine's speed probe took 0.800 ms then 0.500 ms over the same stretches (-38%); " +
        "on the requests that ran at the same machine speed (the probes on both sides within ±10% of 0.500 ms: 9 of the first quarter's 25, 25 of the last's), 1.000 ms then 1.000 ms (0%): " +
        "not a drift at the same machine speed, so the rest was the machine's" +
        '; by tenth of its requests, median ÷ its median: 1.30 1.15 1.00 1.00 1.00 1.00 1.00 1.00 1.00 1.00',
    }]);
    // The case measured on a quiet VM: the probe slow over ms 0–11 (23 of the first quarter's 49 probes),
    // so its first-quarter median is the fast 0.5 ms and machineExplains sees no change, while 13 of the
    // query's 25 first-quarter requests are slow (median 1.3 ms). Before the same-speed comparison this
    // was a "drift"; on the 13 requests at normal speed (one of them 1.3 ms) the median is 1.0 ms.
    const partly = samples((i) => (i < 13 ? 1.3 : 1)).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
    const flags2 = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], partly, probe((t) => (t < 11.5 ? 0.8 : 0.5)));
    expect(flags2.map((f) => f.kind)).toEqual(['machine drift']);
    expect(flags2[0]!.detail).toContain("probe took 0.500 ms then 0.500 ms over the same stretches (0%); on the requests that ran at the same machine speed");
    // A real warming under the same machine: 1.2 ms for the first quarter at normal speed too.
    const warming = samples((i) => (i < 15 ? 1.3 : i < 25 ? 1.2 : 1)).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
    const flags3 = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], warming, probe((t) => (t < 15 ? 0.8 : 0.5)));
    expect(flags3.map((f) => f.kind)).toEqual(['drift']);
    expect(flags3[0]!.detail).toContain("9 of the first quarter's 25, 25 of the last's), 1.200 ms then 1.000 ms (-17%): the path's own drift");
    // (9, not 10: request 15's probe before it, at 14.5 ms, was still slow.)
  });

  it('takes a request as same-speed only when the probes on both sides of it are: a flickering machine', () => {
    // The case measured on a quiet VM: a first quarter mostly slow, its probe flickering fast now and
    // then (here every third probe, 0.5 ms, among 0.8 ms), the query slow (1.3 ms) all through it.
    // By the nearest probe alone, 8 requests (the probe at their own start fast) looked same-speed and
    // the quarters still differed by −23% there: a "drift" that was the machine's. With both sides,
    // none is same-speed; the quarter's probe median is the slow 0.8 ms: machine drift.
    const q = samples((i) => (i < 25 ? 1.3 : 1)).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
    const flicker = probe((t) => (t < 25 && Math.round(2 * t) % 3 !== 2 ? 0.8 : 0.5));
    const flags = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], q, flicker);
    expect(flags.map((f) => f.kind)).toEqual(['machine drift']);
    expect(flags[0]!.detail).toContain('probe took 0.800 ms then 0.500 ms over the same stretches (-38%): the machine changed the same way by more than 10% (too few requests');
  });

  it('machineTookHalf: the machine\'s only when the same-speed change is at most half the whole one, or the other way', () => {
    expect(machineTookHalf(-0.23, 0)).toBe(true);
    expect(machineTookHalf(-0.25, -0.04)).toBe(true);
    expect(machineTookHalf(-0.2, 0.03)).toBe(true);
    // The measured case: −10.4% over all requests, −9.5% at the same speed (probe flat): the path's.
    expect(machineTookHalf(-0.104, -0.095)).toBe(false);
    expect(machineTookHalf(0.2, 0.12)).toBe(false);
    expect(machineTookHalf(0.2, 0.09)).toBe(true);
  });

  it('keeps a drift that the same-speed comparison leaves just under the limit as the path\'s own (the half rule)', () => {
    // The machine slow over ms 0–5 only (probe 0.8 ms, then 0.5 ms throughout). First quarter: those 6
    // requests at 1.3 ms, the other 19 spread 1.00–1.19 ms; the rest 1.0 ms. All requests: median
    // 1.127 → 1.000 (−11%, a drift). The 18 same-speed ones of the first quarter (request 6 has the
    // slow probe at 5.5 ms before it): median 1.100 → −9%, not a drift there — but the machine took
    // away less than half of the change, so it is not the machine's.
    const q = samples((i) => (i < 6 ? 1.3 : i < 25 ? 1 + (i - 6) * 0.0105 : 1)).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
    const flags = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], q, probe((t) => (t < 6 ? 0.8 : 0.5)));
    expect(flags.map((f) => f.kind)).toEqual(['drift']);
    expect(flags[0]!.detail).toMatch(/in the last \(-11%\).*18 of the first quarter's 25, 25 of the last's\), 1\.1\d\d ms then 1\.000 ms \(-9%\): the path's own drift; by tenth of its requests, /);
  });

  it('machineExplains: same sign, and the probe moved by more than 10% (ratio beyond 1.1 or 1/1.1)', () => {
    expect(machineExplains(0.8, 0.5)).toBe(true);
    expect(machineExplains(0.8, 0.85)).toBe(true); // −15%: the machine was not the same
    expect(machineExplains(0.6, 0.9)).toBe(true); // moved less than the query, still beyond the band
    expect(machineExplains(0.8, 0.92)).toBe(false); // −8%: within the band
    expect(machineExplains(1.25, 1.3)).toBe(true);
    expect(machineExplains(1.25, 1.1)).toBe(false); // exactly the band: not beyond it
    expect(machineExplains(1.25, 0.7)).toBe(false);
    expect(machineExplains(0.8, 1.25)).toBe(false);
  });

  it('keeps the detail without the probe\'s parts when the run has none (runs before it), and never flags a stable series because the machine changed', () => {
    const none = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart());
    expect(none).toEqual([{ run_id: 'r', target: 't', query_id: 'q', kind: 'drift', detail: 'median 1.200 ms in the first quarter, 1.000 ms in the last (-17%); by tenth of its requests, median ÷ its median: 1.20 1.20 1.10 1.00 1.00 1.00 1.00 1.00 1.00 1.00' }]);
    const stable = samples(() => 1).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
    expect(noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], stable, probe((t) => (t < 25 ? 0.6 : 0.5)))).toEqual([]);
  });
});

describe('machine drift: a drift the memory probe explains, where the CPU probe did not move', () => {
  // As above: the first quarter at 1.2 ms, the rest at 1.0 ms (−17%); the CPU probe flat at 0.5 ms.
  const slowStart = () => samples((i) => (i < 25 ? 1.2 : 1)).map((s, i) => ({ ...s, start_ns: i * 1e6 }));
  const flat: MachineSpeed = (() => {
    const start_ns = Array.from({ length: 200 }, (_, k) => k * 0.5e6);
    return { probe: 'test', gap_ms: 0.5, start_ns, ms: start_ns.map(() => 0.5) };
  })();
  // A memory probe every 5 ms: `before` ms through the first quarter, 10 ms after.
  const memory = (before: number) => {
    const start_ns = Array.from({ length: 20 }, (_, k) => k * 5e6);
    return { probe: 'mem', gap_ms: 5, start_ns, ms: start_ns.map((t) => (t < 25e6 ? before : 10)) };
  };
  const flag = (m?: ReturnType<typeof memory>) => noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), m ? { ...flat, memory: m } : flat);

  it('is "machine drift" when the memory probe moved the same way by more than 10% over the same stretches', () => {
    const f = flag(memory(12.5));
    expect(f.map((x) => x.kind)).toEqual(['machine drift']);
    expect(f[0]!.detail).toContain("(-17%): the path's own drift; the machine's memory probe took 12.500 ms then 10.000 ms over the same stretches (-20%): " +
      "the memory system changed the same way by more than 10%, so the path's own drift cannot be told apart; by tenth");
  });

  it('stays "drift", with the memory probe\'s figures, when it moved less than 10%, the other way, or there is none', () => {
    const less = flag(memory(10.8));
    expect(less.map((x) => x.kind)).toEqual(['drift']);
    expect(less[0]!.detail).toContain("the path's own drift; the machine's memory probe took 10.800 ms then 10.000 ms over the same stretches (-7%): not the same way by more than 10% either; by tenth");
    expect(flag(memory(8)).map((x) => x.kind)).toEqual(['drift']); // the memory got slower while the query got faster
    // Without a memory probe (runs before it) the detail is the CPU probe's alone, as before.
    const before = flag();
    expect(before.map((x) => x.kind)).toEqual(['drift']);
    expect(before[0]!.detail).not.toContain('memory');
  });

  it('leaves a machine drift of the CPU probe as it is, the memory probe\'s figures added', () => {
    const cpuSlow: MachineSpeed = { ...flat, ms: flat.start_ns.map((t) => (t < 25e6 ? 0.62 : 0.5)), memory: memory(10) };
    const f = noiseFlags('r', [agg({ p50_low: 1, p50_high: 1 })], slowStart(), cpuSlow);
    expect(f.map((x) => x.kind)).toEqual(['machine drift']);
    expect(f[0]!.detail).toContain("so the path's own drift cannot be told apart; the machine's memory probe took 10.000 ms then 10.000 ms over the same stretches (0%); by tenth");
  });
});

describe('a drift the whole run shared (sharedByTheRun)', () => {
  // Five queries of one target, 100 iterations 1 ms apart; q0 from 1.2 ms to 1.0 after the first
  // quarter (−17%), the others by `others` (×1.2 → ×1 gives −17% too); the CPU probe flat.
  const run = (others: (i: number, k: number) => number) => {
    const rows: SampleRow[] = [];
    for (let k = 0; k < 5; k++) {
      for (const s of samples((i) => (k === 0 ? (i < 25 ? 1.2 : 1) : others(i, k)))) rows.push({ ...s, query_id: `q${k}`, start_ns: s.iteration * 1e6 + k * 1e5 });
    }
    const start_ns = Array.from({ length: 200 }, (_, j) => j * 0.5e6);
    const aggs = [0, 1, 2, 3, 4].map((k) => agg({ key: `q${k}`, p50_low: 1, p50_high: 1 }));
    return noiseFlags('r', aggs, rows, { probe: 'test', gap_ms: 0.5, start_ns, ms: start_ns.map(() => 0.5) }).filter((f) => f.query_id === 'q0');
  };

  it('says the run moved with it, not "the path\'s own", when the other pairs moved the same way within 10%', () => {
    const f = run((i) => (i < 25 ? 1.1 : 1)); // the others −9%
    expect(f.map((x) => x.kind)).toEqual(['drift']);
    expect(f[0]!.detail).toContain("(-17%): not the machine's by its speed probe; the whole run moved with it (4 of the 4 other target × query pairs the same way, median -9%, within 10% of this one): " +
      "a change every path shared, not this path's alone; by tenth");
    expect(f[0]!.detail).not.toContain("the path's own");
  });

  it('keeps "the path\'s own drift" when the others did not move, moved much less, or too few moved the same way', () => {
    expect(run(() => 1)[0]!.detail).toContain("(-17%): the path's own drift; by tenth");
    // The others −4%: this one's −17% is 13% beyond their median.
    expect(run((i) => (i < 25 ? 1.04 : 1))[0]!.detail).toContain("the path's own drift");
    // Only 3 of 4 the same way (q1–q3 −15%, q4 +10%: their median −15% is within 10% of this one's).
    expect(run((i, k) => (i < 25 ? (k < 4 ? 1.18 : 0.91) : 1))[0]!.detail).toContain("the path's own drift");
    expect(run((i) => (i < 25 ? 1.18 : 1))[0]!.detail).toContain('the whole run moved with it (4 of the 4');
  });
});

describe('a drift and the comparison between paths (paired by iteration)', () => {
  // Two paths, 100 iterations; path a drifts from 1.2 ms to 1.0 ms after the first quarter (−17%).
  const a = (i: number) => (i < 25 ? 1.2 : 1) * (1 + 0.01 * (i % 3));
  const two = (b: (i: number) => number): SampleRow[] => [
    ...samples(a),
    ...samples(b).map((s) => ({ ...s, target: 'u' })),
  ];
  const aggs = [agg({ p50_low: 1, p50_high: 1 }), agg({ target: 'u', p50_low: 1, p50_high: 1 })];

  it('says the comparison held when the other path drifted the same way (the ratio per iteration stayed ×1.30)', () => {
    const flags = noiseFlags('r', aggs, two((i) => 1.3 * a(i)));
    expect(flags.map((f) => `${f.target} ${f.kind}`)).toEqual(['t drift', 'u drift']);
    expect(flags[0]!.detail).toContain('; u ÷ t, paired by iteration: ×1.30 in the first quarter, ×1.30 in the last (0%): the comparison between them held');
    expect(flags[1]!.detail).toContain('; t ÷ u, paired by iteration: ×0.77 in the first quarter, ×0.77 in the last (0%): the comparison between them held');
    // Both paths moved alike: the drift is the query's on every path, not "the path's own".
    expect(flags[0]!.detail).toContain('; every other path that ran this query moved with it (the paired comparison below held): the query\'s drift on every path, not this path\'s alone; by tenth');
    // With a flat speed probe: not the machine's by it, and still not called the path's own.
    const start_ns = Array.from({ length: 200 }, (_, k) => k * 0.5e6);
    const timed = two((i) => 1.3 * a(i)).map((x) => ({ ...x, start_ns: x.iteration * 1e6 + (x.target === 'u' ? 5e5 : 0) }));
    const probed = noiseFlags('r', aggs, timed, { probe: 'test', gap_ms: 0.5, start_ns, ms: start_ns.map(() => 0.5) });
    expect(probed[0]!.detail).toContain(": not the machine's by its speed probe; every other path that ran this query moved with it");
    expect(probed[0]!.detail).not.toContain("the path's own");
  });

  it('says the comparison moved when only one path drifted (×1.08 then ×1.30: +20%)', () => {
    const flags = noiseFlags('r', aggs, two(() => 1.3));
    expect(flags.map((f) => `${f.target} ${f.kind}`)).toEqual(['t drift']);
    expect(flags[0]!.detail).toMatch(/; u ÷ t, paired by iteration: ×1\.0\d in the first quarter, ×1\.2\d in the last \(\+2\d%\): the comparison between them moved too$/);
    expect(flags[0]!.detail).not.toContain('moved with it');
  });

  it('pairs by iteration, not by position: a failed request of one path does not shift the pairs', () => {
    // Path u fails iteration 10 (left out of its series), and is a fixed 1.3 × a on every other iteration.
    const rows = two((i) => 1.3 * a(i)).filter((s) => !(s.target === 'u' && s.iteration === 10));
    const flags = noiseFlags('r', aggs, rows);
    expect(flags[0]!.detail).toContain('×1.30 in the first quarter, ×1.30 in the last (0%): the comparison between them held');
  });

  it('never calls held a comparison whose quarters differ by more than 10% without significance: too spread to tell', () => {
    // The ratio per iteration alternates ×1.0 and ×1.5: its first quarter's median is ×1.00 (13 of 25
    // at ×1.0), its last's ×1.50 (13 of 25 at ×1.5), yet the two quarters hold the same two values.
    const flags = noiseFlags('r', aggs, two((i) => a(i) * (i % 2 ? 1.5 : 1)));
    expect(flags[0]!.detail).toContain(
      '; u ÷ t, paired by iteration: ×1.00 in the first quarter, ×1.50 in the last (+50%): the comparison between them changed by more than 10% but not significantly (too spread to tell)',
    );
  });

  it('takes the order effect out: ratios that alternate with which path ran first are one steady comparison', () => {
    // The same alternation as above, but it is the order: u ran first in odd iterations (later start
    // for t) and took 1.5× then, as a request run right after the other path's is faster. Centred on
    // each order's median, the ratio is ×1.22 (√1.5) throughout: the comparison held.
    const rows = two((i) => a(i) * (i % 2 ? 1.5 : 1)).map((s) => (s.target === 't' ? { ...s, start_ns: s.iteration * 10 + (s.iteration % 2 ? 5 : 0) } : { ...s, start_ns: s.iteration * 10 + (s.iteration % 2 ? 0 : 5) }));
    const flags = noiseFlags('r', aggs, rows);
    expect(flags[0]!.detail).toContain('; u ÷ t, paired by iteration: ×1.22 in the first quarter, ×1.22 in the last (0%): the comparison between them held');
  });

  it('says nothing of a comparison with fewer than 8 pairs per quarter', () => {
    const flags = noiseFlags('r', aggs, [...samples(a), ...samples(() => 1.3, 20).map((s) => ({ ...s, target: 'u' }))]);
    expect(flags.find((f) => f.target === 't')!.detail).not.toContain('paired');
  });
});
