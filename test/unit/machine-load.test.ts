import { describe, expect, it } from 'vitest';
import { busyMachineWarning, driftLoadNote, machineLoadText, otherLoadChange, parseProcStat, quarterBetween, watchMachineLoad, type MachineLoad } from '../../lib/measure/machine-load.js';

const STAT = `cpu  100 5 50 800 10 3 2 30 0 0
cpu0 50 2 25 400 5 1 1 15 0 0
cpu1 50 3 25 400 5 2 1 15 0 0
intr 12345
`;

const load = (other: number[]): MachineLoad => ({ cpus: 2, quarters: other.map((o) => ({ wall_s: 1, other_cores: o, own_cores: 0.5, steal_cores: 0 })) });

describe('machine load by quarter', () => {
  it('parses the aggregate line of /proc/stat: busy = user+nice+system+irq+softirq, steal apart, total of the eight', () => {
    expect(parseProcStat(STAT)).toEqual({ busy: 160, steal: 30, total: 1000, cpus: 2 });
    expect(parseProcStat('intr 1\n')).toBeNull();
    expect(parseProcStat('cpu 1 2 x 4 5 6 7 8\n')).toBeNull();
  });

  it('a quarter: machine busy share × CPUs, minus this process; steal on its own', () => {
    // 2 s of wall, 400 jiffies over 2 CPUs (2 s each): 200 busy → 1.0 core busy; this process 0.6 s of CPU → 0.3 cores.
    const a = { busy: 0, steal: 0, total: 0, ownUs: 0, wallNs: 0n };
    const b = { busy: 200, steal: 40, total: 400, ownUs: 600_000, wallNs: 2_000_000_000n };
    expect(quarterBetween(a, b, 2)).toEqual({ wall_s: 2, other_cores: 0.7, own_cores: 0.3, steal_cores: 0.2 });
    // This process busier than the machine's count (rounding of jiffies): other is clamped at 0.
    expect(quarterBetween(a, { ...b, busy: 20 }, 2).other_cores).toBe(0);
  });

  it('watching a phase gives four quarters, one snapshot per quarter boundary whatever the call pattern', () => {
    const w = watchMachineLoad(10);
    if (w === null) throw new Error('this test needs /proc/stat (Linux)');
    for (let d = 1; d <= 10; d++) w.at(d);
    const m = w.stop();
    expect(m.quarters).toHaveLength(4);
    expect(m.cpus).toBeGreaterThan(0);
    const w2 = watchMachineLoad(3); // fewer groups than quarters: boundaries 1, 2, 3 — still four quarters (the last one empty)
    for (let d = 1; d <= 3; d++) w2!.at(d);
    expect(w2!.stop().quarters).toHaveLength(4);
  });

  it('names other work next to drift only when it changed by at least a quarter of a core', () => {
    expect(otherLoadChange(load([0.1, 0.2, 0.8, 0.9]))).toBe(0.8);
    expect(driftLoadNote(load([0.1, 0.2, 0.8, 0.9]))).toBe(
      'other processes used 0.10 cores in the first quarter of the measured phase and 0.90 in the last: a drift towards slower requests is likely theirs, not the path\'s (re-run on a quiet machine).',
    );
    expect(driftLoadNote(load([1.0, 0.5, 0.2, 0.3]))).toMatch(/towards faster requests/);
    expect(driftLoadNote(load([0.1, 0.2, 0.2, 0.34]))).toBeNull();
    expect(driftLoadNote(load([0.5]))).toBeNull();
    expect(machineLoadText(load([0.1, 0.2, 0.8, 0.9]))).toBe('other processes 0.10 | 0.20 | 0.80 | 0.90 cores by quarter of the measured phase (of 2 CPUs); steal 0.00 | 0.00 | 0.00 | 0.00');
  });

  it('warns of a busy machine from the wall-weighted mean of the quarters, at 0.5 cores of other work or steal', () => {
    expect(busyMachineWarning(load([0.1, 0.2, 0.3, 0.4]))).toBeNull(); // mean 0.25
    expect(busyMachineWarning(load([0.2, 0.4, 0.6, 0.8]))).toBe(
      'BUSY MACHINE: other processes used 0.50 of 2 CPUs on average while measuring: latencies include contention for the CPU. Re-run on a quiet machine before trusting small differences.',
    );
    // Weighted by wall time: one long busy quarter outweighs three short quiet ones.
    const m: MachineLoad = { cpus: 2, quarters: [0, 0, 0, 1].map((o, i) => ({ wall_s: i === 3 ? 9 : 1, other_cores: o, own_cores: 1, steal_cores: 0 })) };
    expect(busyMachineWarning(m)).toMatch(/^BUSY MACHINE: other processes used 0\.75 of 2 CPUs/);
    const stolen: MachineLoad = { cpus: 2, quarters: [{ wall_s: 1, other_cores: 0, own_cores: 1, steal_cores: 0.6 }] };
    expect(busyMachineWarning(stolen)).toMatch(/used 0\.00 of 2 CPUs on average while measuring \(and the hypervisor took 0\.60\)/);
  });

  it('with servers measured (their CPU counts as other processes) only steal can raise BUSY MACHINE, and the line says so', () => {
    const m: MachineLoad = { ...load([0.6, 0.6, 0.6, 0.6]), servers: true };
    expect(busyMachineWarning(m)).toBeNull();
    expect(busyMachineWarning({ ...m, quarters: m.quarters.map((q) => ({ ...q, steal_cores: 0.7 })) })).toMatch(/^BUSY MACHINE/);
    expect(machineLoadText(m)).toMatch(/^other processes \(including any database server or gateway measured on this machine\) 0\.60 \|/);
  });
});
