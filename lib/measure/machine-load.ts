import { readFileSync } from 'node:fs';

/**
 * What the rest of the machine did while a phase was timed, by quarter of the phase: the CPU
 * used by every other process, and the CPU the hypervisor took away (steal). A drift warning
 * compares the first and the last quarter of a query's samples; these quarters tell whether
 * other work came or went between them (measured: with the second core busy, the embedded
 * profile's exact scans ran 1.3× slower and its short queries 1.15–1.25× — docs/methodology.md).
 *
 * Linux only (/proc/stat); elsewhere nothing is recorded and reports say "not recorded".
 * Read between groups of requests, never inside a timed call.
 */
export interface MachineLoadQuarter {
  wall_s: number;
  /** CPU of all other processes ÷ wall time, in cores (machine busy − this process, ≥ 0). */
  other_cores: number;
  /** This process's CPU ÷ wall time, in cores. */
  own_cores: number;
  /** Time the hypervisor ran someone else while this machine wanted the CPU, in cores. */
  steal_cores: number;
}

export interface MachineLoad {
  /** Logical CPUs the kernel counts (the "cpu" lines of /proc/stat). */
  cpus: number;
  quarters: MachineLoadQuarter[];
  /**
   * Some target ran out of process (a server, a gateway): its CPU, if on this machine, is in
   * other_cores too, so "other processes" is not only foreign work. Absent: every target in process.
   */
  servers?: boolean;
}

interface Snapshot {
  busy: number;
  steal: number;
  total: number;
  ownUs: number;
  wallNs: bigint;
}

/** Parse /proc/stat's aggregate line (jiffies): user nice system idle iowait irq softirq steal …; null when it is not there. */
export function parseProcStat(text: string): { busy: number; steal: number; total: number; cpus: number } | null {
  const lines = text.split('\n');
  const agg = lines.find((l) => /^cpu\s/.test(l));
  if (!agg) return null;
  const f = agg.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal, cpus: lines.filter((l) => /^cpu\d+\s/.test(l)).length };
}

function snapshot(): (Snapshot & { cpus: number }) | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const s = parseProcStat(text);
  if (!s) return null;
  const own = process.cpuUsage();
  return { ...s, ownUs: own.user + own.system, wallNs: process.hrtime.bigint() };
}

/** One quarter from two snapshots; machine shares come from jiffies, this process's from its own clock. */
export function quarterBetween(a: Snapshot, b: Snapshot, cpus: number): MachineLoadQuarter {
  const wall = Number(b.wallNs - a.wallNs) / 1e9;
  const total = b.total - a.total;
  const round = (x: number) => Math.round(x * 100) / 100;
  const own = wall > 0 ? (b.ownUs - a.ownUs) / 1e6 / wall : 0;
  const busy = total > 0 ? ((b.busy - a.busy) / total) * cpus : 0;
  const steal = total > 0 ? ((b.steal - a.steal) / total) * cpus : 0;
  return { wall_s: round(wall), other_cores: round(Math.max(0, busy - own)), own_cores: round(own), steal_cores: round(steal) };
}

/**
 * Watch a phase of `groups` groups of requests: call at(done) after each group (cheap: one
 * comparison unless a quarter ends), stop() after the last. Null on a machine without /proc/stat.
 */
export function watchMachineLoad(groups: number): { at(done: number): void; stop(): MachineLoad } | null {
  const first = snapshot();
  if (!first || groups < 1) return null;
  const marks: Snapshot[] = [first];
  const bounds = [1, 2, 3].map((k) => Math.ceil((k * groups) / 4));
  let next = 0;
  return {
    at(done) {
      while (next < bounds.length && done >= bounds[next]!) {
        const s = snapshot();
        if (s) marks.push(s);
        next++;
      }
    },
    stop() {
      const last = snapshot();
      if (last) marks.push(last);
      const quarters: MachineLoadQuarter[] = [];
      for (let i = 1; i < marks.length; i++) quarters.push(quarterBetween(marks[i - 1]!, marks[i]!, first.cpus));
      return { cpus: first.cpus, quarters };
    },
  };
}

/** Change of the other processes' CPU from the first to the last quarter (cores), null with fewer than 2 quarters. */
export function otherLoadChange(m: MachineLoad): number | null {
  if (m.quarters.length < 2) return null;
  return Math.round((m.quarters.at(-1)!.other_cores - m.quarters[0]!.other_cores) * 100) / 100;
}

/** Other work this much larger or smaller in the last quarter than in the first is named next to drift. */
export const OTHER_LOAD_CHANGE_CORES = 0.25;

/** "other processes 0.02 | 0.03 | 0.85 | 0.90 cores by quarter (of 2 CPUs), steal 0.00 | …" */
export function machineLoadText(m: MachineLoad): string {
  const q = (f: (x: MachineLoadQuarter) => number) => m.quarters.map((x) => f(x).toFixed(2)).join(' | ');
  return `other processes${m.servers ? ' (including any database server or gateway measured on this machine)' : ''} ${q((x) => x.other_cores)} cores by quarter of the measured phase (of ${m.cpus} CPUs); steal ${q((x) => x.steal_cores)}`;
}

/** The drift note: null when other work did not change enough to matter. */
export function driftLoadNote(m: MachineLoad): string | null {
  const c = otherLoadChange(m);
  if (c === null || Math.abs(c) < OTHER_LOAD_CHANGE_CORES) return null;
  const [a, b] = [m.quarters[0]!.other_cores.toFixed(2), m.quarters.at(-1)!.other_cores.toFixed(2)];
  return `other processes used ${a} cores in the first quarter of the measured phase and ${b} in the last: ` +
    `a drift towards ${c > 0 ? 'slower' : 'faster'} requests is likely theirs, not the path's (re-run on a quiet machine).`;
}

/** Other processes using this many cores on average (over the whole phase) make the run's latencies include CPU contention. */
export const BUSY_MACHINE_CORES = 0.5;

/** The busy-machine warning, or null: other processes' mean CPU over the phase's quarters, weighted by their wall time. */
export function busyMachineWarning(m: MachineLoad): string | null {
  const wall = m.quarters.reduce((a, q) => a + q.wall_s, 0);
  // With servers measured, their own CPU is in other_cores: only steal can be told apart.
  if (!(wall > 0)) return null;
  const other = m.quarters.reduce((a, q) => a + q.other_cores * q.wall_s, 0) / wall;
  const steal = m.quarters.reduce((a, q) => a + q.steal_cores * q.wall_s, 0) / wall;
  if ((m.servers || other < BUSY_MACHINE_CORES) && steal < BUSY_MACHINE_CORES) return null;
  return `BUSY MACHINE: other processes used ${other.toFixed(2)} of ${m.cpus} CPUs on average while measuring` +
    (steal >= 0.05 ? ` (and the hypervisor took ${steal.toFixed(2)})` : '') +
    ': latencies include contention for the CPU. Re-run on a quiet machine before trusting small differences.';
}
