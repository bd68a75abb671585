import { describe, expect, it } from 'vitest';
import { parseStageFlags } from '../../lib/config/cli-flags.js';
import { ConfigError } from '../../lib/errors.js';
import { shardOrder, timedOrder } from '../../lib/measure/schedule.js';
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
