import { describe, expect, it } from 'vitest';
import { parseStageFlags } from '../../lib/config/cli-flags.js';
import { ConfigError } from '../../lib/errors.js';
import { shardArrivals, shardOrder, timedOrder } from '../../lib/measure/schedule.js';
import { LEVEL_GAP_MS, levelInstants, shardClients, shardSessions } from '../../lib/pipeline/shard-levels.js';
import { shardLevelPlan } from '../../lib/pipeline/shard-level-plan.js';
import type { ResolvedConfig } from '../../lib/config/load.js';
import { arrivalSchedule } from '../../lib/workload/arrival-schedule.js';
import { shardLevelLines } from '../../lib/render/shard-report.js';
import { shardRunId } from '../../lib/pipeline/shard-identity.js';
import { shardLines } from '../../lib/render/shard-report.js';
import type { RunShardRow } from '../../lib/store/run-shards.js';

const triples = (o: Int32Array) => Array.from({ length: o.length / 3 }, (_, s) => `${o[3 * s]} ${o[3 * s + 1]} ${o[3 * s + 2]}`);

describe('shardOrder', () => {
  for (const schedule of ['interleaved', 'blocked'] as const) {
    it(`partitions the ${schedule} order by iteration, each shard in single-host order`, () => {
      const full = timedOrder(schedule, 8, 3, 11);
      const parts = [1, 2, 3].map((k) => shardOrder(full, k, 3));
      for (const [j, p] of parts.entries()) for (let s = 0; s < p.length; s += 3) expect(p[s]! % 3).toBe(j);
      // The union is the full order, each request once; each shard keeps the full order's sequence.
      expect(parts.flatMap(triples).sort()).toEqual(triples(full).sort());
      for (const p of parts) {
        const pos = triples(p).map((t) => triples(full).indexOf(t));
        expect(pos).toEqual([...pos].sort((a, b) => a - b));
      }
      // Every shard runs every query on every target.
      for (const p of parts) expect(new Set(triples(p).map((t) => t.split(' ').slice(1).join(' '))).size).toBe(8 * 3);
    });
  }
  it('is the full order for one shard', () => {
    const full = timedOrder('interleaved', 2, 2, 3);
    expect(shardOrder(full, 1, 1)).toBe(full);
  });
});

describe('--shard, --start-at, --stores, --out', () => {
  it('parses them', () => {
    const f = parseStageFlags(['--shard', '2/3', '--start-at', '1796494712000']);
    expect([f.shard, f.startAtMs]).toEqual([{ index: 2, count: 3 }, 1796494712000]);
    const m = parseStageFlags(['--stores', 'a.sqlite b.sqlite,c.sqlite', '--out', 'm.sqlite']);
    expect([m.stores, m.overrides.store]).toEqual([['a.sqlite', 'b.sqlite', 'c.sqlite'], 'm.sqlite']);
  });
  const bad: [string[], RegExp][] = [
    [['--shard', '0/2', '--start-at', '1796494712000'], /--shard: expected i\/N with 1 ≤ i ≤ N \(e\.g\. 1\/3\), got "0\/2"/],
    [['--shard', '3/2', '--start-at', '1796494712000'], /got "3\/2"/],
    [['--shard', '1/2'], /--shard: needs --start-at <epoch ms>/],
    [['--start-at', '1796494712000'], /--start-at: only with --shard i\/N/],
    [['--shard', '1/2', '--start-at', 'tomorrow'], /--start-at: expected a Unix epoch time in milliseconds .*got "tomorrow"/],
    [['--stores', ' '], /--stores: expected one or more store files/],
    [['--out', 'a.sqlite', '--store', 'b.sqlite'], /--out "a\.sqlite" and --store "b\.sqlite" differ/],
  ];
  for (const [argv, msg] of bad) {
    it(`refuses ${argv.join(' ')} (exit 2)`, () => {
      let err: unknown;
      try {
        parseStageFlags(argv);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(msg);
    });
  }
});

describe('shard identity and clocks', () => {
  it('gives every shard the same run id from the instant and the config fingerprint', () => {
    expect(shardRunId(1796494712000, 'abc')).toBe(shardRunId(1796494712000, 'abc'));
    expect(shardRunId(1796494712000, 'abc')).toMatch(/^20261205-181832-[0-9a-f]{4}$/);
    expect(shardRunId(1796494712000, 'abd')).not.toBe(shardRunId(1796494712000, 'abc'));
  });

  const row = (shard: number, off: [number, number], rtt: number, origin: number): RunShardRow => ({
    run_id: 'r', shard, shards: 2, start_at_ms: 1000, host: `h${shard}`, config_fingerprint: 'c', dataset_fingerprint: 'd', origin_epoch_ms: origin,
    clock_target: 'postgres', clock_offset_start_ms: off[0], clock_rtt_start_ms: rtt, clock_offset_end_ms: off[1], clock_rtt_end_ms: rtt, source_store: null,
  });

  it('states each shard against shard 1 and warns past rate_late_ms', () => {
    // Shard 2's host clock runs 3 ms behind shard 1's: the database is 3 ms further ahead of it.
    const rows = [row(1, [0.5, 0.5], 0.4, 1000.2), row(2, [3.5, 3.5], 0.6, 997.4)];
    const { lines, warnings } = shardLines(rows, 1);
    expect(lines[0]).toBe('shard 1/2 on h1: the reference clock, database − host +0.500 ms, timed loop started +0.000 ms after the first shard');
    expect(lines[1]).toBe('shard 2/2 on h2: host clock vs shard 1 -3.000 ms (± 0.500 ms), database − host +3.500 ms, timed loop started +0.200 ms after the first shard');
    expect(warnings).toEqual([expect.stringMatching(/host clocks differ by up to 3\.000 ms, more than the SLO's resolution \(rate_late_ms 1 ms\)/)]);
    expect(shardLines(rows, 5).warnings).toEqual([]);
  });
});

describe('--shard with the write category', () => {
  it('is refused before any run starts (exit 2): each shard undoes every write when it ends', async () => {
    const { tmpProfile } = await import('../helpers/tmp-profile.js');
    const { captureOutput } = await import('../helpers/capture.js');
    const { main: measure } = await import('../../stages/measure.js');
    const { openStore } = await import('../../lib/store/open.js');
    const p = await tmpProfile({ writes: true });
    const { result, stderr } = await captureOutput(() => measure(['--config', p.config, '--shard', '1/2', '--start-at', String(Date.now() + 60_000)]));
    expect(result, stderr).toBe(2);
    expect(stderr).toContain('--shard 1/2: the write category (writes: true) cannot be sharded');
    const db = await openStore(p.store);
    expect(await db.all('SELECT run_id FROM runs')).toEqual([]);
    await db.close();
  });
});

describe('sharded open-loop levels', () => {
  for (const arrival of ['poisson', 'uniform'] as const) {
    it(`splits the ${arrival} schedule so that the union of N shards is the 1-shard schedule exactly (N = 1, 2, 3)`, () => {
      const schedule = arrivalSchedule({ seed: 42, rate: 250, arrival, durationNs: 2e9 });
      expect(schedule.length).toBeGreaterThan(400);
      for (const n of [1, 2, 3]) {
        const parts = Array.from({ length: n }, (_, k) => shardArrivals(schedule.length, k + 1, n));
        // Each shard: every N-th position from i − 1, ascending, so its own intended times ascend too.
        for (const [k, p] of parts.entries()) {
          expect(Array.from(p)).toEqual(Array.from({ length: p.length }, (_, m) => k + m * n));
          const times = Array.from(p, (j) => schedule[j]!);
          expect(times).toEqual([...times].sort((a, b) => a - b));
        }
        // The union, as (position, intended time) pairs, is the single-host schedule, each arrival once.
        const union = parts.flatMap((p) => Array.from(p, (j) => [j, schedule[j]!] as const)).sort((a, b) => a[0] - b[0]);
        expect(union).toEqual(Array.from(schedule, (t, j) => [j, t]));
        // About R/N each: shard sizes differ by at most one.
        expect(Math.max(...parts.map((p) => p.length)) - Math.min(...parts.map((p) => p.length))).toBeLessThanOrEqual(1);
      }
    });
  }
  it('gives a shard past the end of a short schedule no arrival', () => {
    expect(Array.from(shardArrivals(2, 3, 3))).toEqual([]);
    expect(Array.from(shardArrivals(0, 1, 1))).toEqual([]);
    expect(() => shardArrivals(5, 3, 2)).toThrow(RangeError);
  });

  it('starts level k at levels-at + the planned lengths of the levels before it + a fixed gap each', () => {
    expect(LEVEL_GAP_MS).toBe(2000);
    // 2 targets × levels of 3 s and 5 s planned (span + grace).
    expect(levelInstants(1_000_000, [3000, 5000, 3000, 5000])).toEqual([1_000_000, 1_005_000, 1_012_000, 1_017_000]);
    expect(levelInstants(1_000_000, [2500.4, 1000], 100)).toEqual([1_000_000, 1_002_600]);
    expect(levelInstants(1_000_000, [])).toEqual([]);
  });

  it('plans the sweep levels, then the open-loop levels, target by target, from --levels-at', () => {
    const c = { concurrency: [4, 1, 4], sweep_shard_level_s: 3, rate: [100, 50], rate_duration_s: 2, rate_grace_s: 1, rate_arrival: 'uniform', seed: 1 } as unknown as ResolvedConfig;
    // 2 targets × sweep levels {1, 4} of 3 s, then 2 targets × rates {50, 100} of 2 + 1 s; 2 s gaps.
    expect(shardLevelPlan(c, 2, 0)).toEqual({ sweep: [0, 5000, 10000, 15000], openLoop: [20000, 25000, 30000, 35000] });
    expect(shardLevelPlan({ ...c, sweep_shard_level_s: undefined, concurrency: [2] } as unknown as ResolvedConfig, 1, 0).openLoop).toEqual([12000, 17000]);
    expect(shardLevelPlan({ ...c, concurrency: [], rate: [] } as unknown as ResolvedConfig, 3, 7)).toEqual({ sweep: [], openLoop: [] });
  });

  it('spreads a sweep level\'s clients over the shards by client number', () => {
    for (const n of [1, 2, 3]) {
      for (const level of [1, 2, 5, 8]) {
        const parts = Array.from({ length: n }, (_, k) => shardClients(level, k + 1, n));
        expect(parts.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: level }, (_, k) => k));
        for (const [k, p] of parts.entries()) for (const client of p) expect(client % n).toBe(k);
      }
    }
    expect(shardClients(1, 2, 2)).toEqual([]);
  });

  it('spreads the sessions over the shards, at least one each', () => {
    expect([1, 2, 3].map((i) => shardSessions(4, i, 3))).toEqual([2, 1, 1]);
    expect([1, 2].map((i) => shardSessions(4, i, 2))).toEqual([2, 2]);
    expect([1, 2, 3].map((i) => shardSessions(1, i, 3))).toEqual([1, 1, 1]);
    expect(shardSessions(8, 1, 1)).toBe(8);
  });

  it('reports the latest shard per level and warns past rate_late_ms', () => {
    const row = (shard: number, level: number, late: number) => ({ run_id: 'r', shard, phase: 'open_loop', target: 'postgres', level, planned_at_ms: 1796494712000 + level, late_ms: late });
    const { lines, warnings } = shardLevelLines([row(1, 50, -20.5), row(2, 50, -18), row(1, 100, 0.4), row(2, 100, 3.25)], 1);
    expect(lines).toEqual([
      'open-loop level postgres at 50/s: 2 shard(s) from 2026-12-05T18:18:32.050Z, every shard ready before it',
      'open-loop level postgres at 100/s: 2 shard(s) from 2026-12-05T18:18:32.100Z, shard 2 ready 3.250 ms after it (the latest)',
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^open-loop level postgres at 100\/s: shard 2 was ready 3\.250 ms after the level's instant, more than rate_late_ms 1 ms/)]);
  });
});

describe('--levels-at', () => {
  it('parses it with --shard, after --start-at', () => {
    expect(parseStageFlags(['--shard', '1/2', '--start-at', '1796494712000', '--levels-at', '1796494772000']).levelsAtMs).toBe(1796494772000);
    expect(() => parseStageFlags(['--levels-at', '1796494772000'])).toThrow(/--levels-at: only with --shard i\/N/);
    expect(() => parseStageFlags(['--shard', '1/2', '--start-at', '1796494712000', '--levels-at', '1796494712000'])).toThrow(/--levels-at 1796494712000: must come after --start-at/);
  });
});
