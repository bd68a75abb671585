import { describe, expect, it } from 'vitest';
import { MIN_MEMORY_PROBE_GAP_MS, MIN_PROBE_GAP_MS, watchMachineSpeed, type MachineSpeed } from '../../lib/measure/speed-probe.js';
import { machineSpeedFrom, machineSpeedText, probeMedianBetween, probeQuarters, probesAround, unsteadyMachineWarning } from '../../lib/stats/machine-speed.js';

const speed = (ms: number[], stepNs = 1e6): MachineSpeed => ({ probe: 'test', gap_ms: 1, start_ns: ms.map((_, i) => i * stepNs), ms });

describe('speed probe readings', () => {
  it('takes the median of the probes inside a stretch, or of the 3 nearest its middle when it holds fewer', () => {
    const m = speed([5, 1, 2, 3, 9, 4, 7]); // probes at 0..6 ms
    expect(probeMedianBetween(m, 1e6, 3e6)).toBe(2); // 1, 2, 3
    expect(probeMedianBetween(m, 0, 6e6)).toBe(4); // all seven
    // [4.4, 4.6] ms holds no probe: nearest to 4.5 ms are 4 (9), 5 (4), then 3 or 6 (3 at 1.5 ms, 7 at 1.5 ms; the sort is stable → 3).
    expect(probeMedianBetween(m, 4.4e6, 4.6e6)).toBe(4);
    expect(probeMedianBetween(speed([1, 2]), 0, 1e6)).toBeNull();
  });

  it('gives the probes on both sides of a request: one at the phase\'s ends, none without probes', () => {
    const m = speed([5, 1, 2, 3]); // probes at 0, 1, 2, 3 ms
    expect(probesAround(m, 1.5e6)).toEqual([1, 2]);
    expect(probesAround(m, 1e6)).toEqual([5, 1]); // a probe at the request's own start counts as the one after
    expect(probesAround(m, -1)).toEqual([5]);
    expect(probesAround(m, 3.5e6)).toEqual([3]);
    expect(probesAround(speed([]), 0)).toEqual([]);
  });

  it('splits the phase into four quarters of time, n/a where a quarter has fewer than 3 probes', () => {
    const m = speed([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4]); // 0..12 ms; quarters of 3 ms
    expect(probeQuarters(m)).toEqual([1, 2, 3, 4]);
    // Probes at 0, 1, 2 | 3 | 6, 7, 8 | 9…12 ms: the second quarter holds one.
    const gap: MachineSpeed = { probe: 'test', gap_ms: 1, start_ns: [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12].map((t) => t * 1e6), ms: [1, 1, 1, 9, 3, 3, 3, 4, 4, 4, 4] };
    expect(probeQuarters(gap)).toEqual([1, null, 3, 4]);
    expect(machineSpeedText(m)).toMatch(/^speed probe 1\.000 \| 2\.000 \| 3\.000 \| 4\.000 ms by quarter .*13 timings/);
  });

  it('warns UNSTEADY MACHINE at a 1.10× spread between quarters, not below, and words it by schedule', () => {
    const q = (a: number, b: number) => speed([a, a, a, b, b, b, b, b, b, a, a, a, a]);
    expect(unsteadyMachineWarning(q(1, 1.09), 'interleaved')).toBeNull();
    const w = unsteadyMachineWarning(q(1, 1.36), 'interleaved')!;
    expect(w).toMatch(/^UNSTEADY MACHINE: .* took 1\.360 ms .* and 1\.000 ms in the fastest \(1\.36×\)/);
    expect(w).toContain('Comparisons between paths still hold');
    expect(unsteadyMachineWarning(q(1, 1.36), 'blocked')).toContain('comparisons between them do not hold');
  });

  it('states the interleaved claim as measured by the paired comparisons of the drift warnings, or withdraws it', () => {
    const q = speed([1, 1, 1, 1.36, 1.36, 1.36, 1.36, 1.36, 1.36, 1, 1, 1, 1]);
    expect(unsteadyMachineWarning(q, 'interleaved', { held: 0, moved: 0, unclear: 0 })).toContain('Comparisons between paths still hold (their requests were interleaved, so both saw the change); absolute');
    expect(unsteadyMachineWarning(q, 'interleaved', { held: 16, moved: 0, unclear: 0 })).toContain(
      'Comparisons between paths still hold (their requests were interleaved, so both saw the change; measured: all 16 paired comparisons of the drift warnings held); absolute latencies do not.',
    );
    expect(unsteadyMachineWarning(q, 'interleaved', { held: 1, moved: 0, unclear: 0 })).toContain('all 1 paired comparison of the drift warnings held');
    const moved = unsteadyMachineWarning(q, 'interleaved', { held: 13, moved: 3, unclear: 0 })!;
    expect(moved).toContain('yet 3 of the 16 paired comparisons of the drift warnings moved (see the noise warnings and the answer)');
    expect(moved).not.toContain('still hold');
    expect(unsteadyMachineWarning(q, 'interleaved', { held: 14, moved: 0, unclear: 2 })).toContain('of the 16 paired comparisons of the drift warnings, 14 held and 2 changed by more than 10% but too spread to tell');
    expect(unsteadyMachineWarning(q, 'blocked', { held: 16, moved: 0, unclear: 0 })).toContain('comparisons between them do not hold');
  });

  it('probes at most once per gap however often it is asked, on the clock of the given origin', () => {
    const origin = process.hrtime.bigint();
    const w = watchMachineSpeed(0);
    const until = Date.now() + 120;
    let asked = 0;
    while (Date.now() < until) (w.at(), asked++);
    const m = w.stop(origin);
    expect(asked).toBeGreaterThan(100);
    // One at the start, one at the stop, and at most one per MIN_PROBE_GAP_MS between (+1 for the edges).
    expect(m.ms.length).toBeGreaterThanOrEqual(3);
    expect(m.ms.length).toBeLessThanOrEqual(2 + Math.ceil(120 / MIN_PROBE_GAP_MS) + 1);
    expect(m.start_ns.every((t, i) => t >= 0 && (i === 0 || t > m.start_ns[i - 1]!))).toBe(true);
    expect(m.ms.every((x) => x > 0)).toBe(true);
    // A longer expected phase spaces them further: ~1000 probes per phase.
    expect(watchMachineSpeed(100).stop(origin).gap_ms).toBe(100);
    // The memory probe: at the start and the stop only, its gap (2 s) being longer than the loop.
    expect(m.memory!.ms.length).toBe(2);
    expect(m.memory!.gap_ms).toBe(MIN_MEMORY_PROBE_GAP_MS);
    expect(m.memory!.ms.every((x) => x > 0)).toBe(true);
    expect(m.memory!.start_ns[0]).toBeGreaterThanOrEqual(m.start_ns[0]!);
    // ~32 a phase: a 100 s phase spaces them 3.125 s apart.
    expect(watchMachineSpeed(100).stop(origin).memory!.gap_ms).toBe(3125);
  });

  it('streams through memory: the memory probe takes longer than the cache-resident CPU probe', () => {
    // 2 Mi reads, one per 64-byte line of 128 MiB, against 256 Ki multiply-adds in 256 KiB: on any
    // machine the stream is the slower (measured here: ~13 ms against ~0.6 ms). The fastest timing
    // of each, so that a probe preempted on a busy test machine cannot decide it.
    const origin = process.hrtime.bigint();
    const m = watchMachineSpeed(0).stop(origin);
    expect(Math.min(...m.memory!.ms)).toBeGreaterThan(3 * Math.min(...m.ms));
  });

  it('reads a stored machine_speed: runs before the memory probe, a malformed memory part dropped, a malformed whole refused', () => {
    const cpu = { probe: 'cpu', gap_ms: 20, start_ns: [0, 1], ms: [0.5, 0.6] };
    expect(machineSpeedFrom(cpu)).toEqual(cpu);
    const memory = { probe: 'mem', gap_ms: 2000, start_ns: [0, 5], ms: [13, 14] };
    expect(machineSpeedFrom({ ...cpu, memory })).toEqual({ ...cpu, memory });
    expect(machineSpeedFrom({ ...cpu, memory: { ...memory, ms: [13] } })).toEqual(cpu);
    expect(machineSpeedFrom({ ...cpu, memory: 'fast' })).toEqual(cpu);
    expect(machineSpeedFrom({ ...cpu, ms: [0.5, 'x'] })).toBeNull();
    expect(machineSpeedFrom({ ...cpu, ms: [] })).toBeNull();
    expect(machineSpeedFrom(null)).toBeNull();
    expect(machineSpeedFrom([1, 2])).toBeNull();
  });

  it('gives the memory probe by quarter beside the CPU probe; UNSTEADY MACHINE is the CPU probe\'s alone', () => {
    const steady = speed([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const memory = { probe: 'mem', gap_ms: 1, start_ns: steady.start_ns, ms: [10, 10, 10, 12, 12, 12, 12, 12, 12, 10, 10, 10, 10] };
    expect(machineSpeedText({ ...steady, memory })).toMatch(/; memory probe 10\.000 \| 12\.000 \| 12\.000 \| 10\.000 ms \(median of 13 timings of a fixed memory workload: mem\)$/);
    // The memory probe 1.20× apart, the CPU probe steady: no warning (measured: a quiet run's memory
    // probe had quarters 1.16× apart while the queries did not move).
    expect(unsteadyMachineWarning({ ...steady, memory }, 'interleaved')).toBeNull();
    const cpu = unsteadyMachineWarning({ ...speed([1, 1, 1, 1.36, 1.36, 1.36, 1.36, 1.36, 1.36, 1, 1, 1, 1]), memory }, 'interleaved')!;
    expect(cpu).toMatch(/^UNSTEADY MACHINE: a fixed CPU workload .*\(1\.36×\)/);
    expect(cpu).not.toContain('memory workload');
  });
});
