import { describe, expect, it } from 'vitest';
import type { ClientLoad } from '../../lib/measure/client-load.js';
import type { LevelClientLoad } from '../../lib/store/level-client-load.js';
import { levelClientWarnings, levelsClientWarnings } from '../../lib/verify/level-client-warnings.js';

const quiet: ClientLoad = { cpu_cores: 0.3, event_loop_delay_p50_ms: 0.05, event_loop_delay_p99_ms: 0.4, event_loop_delay_max_ms: 2, wall_s: 3 };
const lvl = (load: Partial<ClientLoad> | null, o: Partial<LevelClientLoad> = {}): LevelClientLoad => ({
  target: 'postgres', level: 8, load: load === null ? null : { ...quiet, ...load }, inProcess: false, ...o,
});

describe('per-level client-bottleneck warnings', () => {
  it('use the run guard\'s thresholds: ≥ 0.8 core or event-loop p99 ≥ 5 ms', () => {
    expect(levelClientWarnings('sweep', lvl({}))).toEqual([]);
    expect(levelClientWarnings('sweep', lvl({ cpu_cores: 0.79, event_loop_delay_p99_ms: 4.99 }))).toEqual([]);
    expect(levelClientWarnings('sweep', lvl({ cpu_cores: 0.8 }))).toEqual([
      "CLIENT-BOUND? postgres × 8 clients: the client used 80% of one core; this level's QPS and latencies include client time — the database may not have been the bottleneck.",
    ]);
    expect(levelClientWarnings('sweep', lvl({ event_loop_delay_p99_ms: 5 }))[0]).toMatch(/^CLIENT-BOUND\? postgres × 8 clients: its event loop was delayed 5 ms at p99;/);
    expect(levelClientWarnings('sweep', lvl({ cpu_cores: 1.02, event_loop_delay_p99_ms: 12.5 }, { level: 1 }))[0]).toMatch(
      /^CLIENT-BOUND\? postgres × 1 client: the client used 102% of one core and its event loop was delayed 12.5 ms at p99;/,
    );
    expect(levelClientWarnings('open-loop', lvl({ cpu_cores: 0.9 }, { level: 400, lateThresholdMs: 1 }))).toEqual([
      "CLIENT-BOUND? postgres at 400/s: the client used 90% of one core; this level's latencies and achieved rate include client time — the database may not have been the bottleneck.",
    ]);
  });

  it('open loop: an event-loop p99 above the late threshold says lateness is the client\'s (strictly above)', () => {
    expect(levelClientWarnings('open-loop', lvl({ event_loop_delay_p99_ms: 1 }, { level: 100, lateThresholdMs: 1 }))).toEqual([]);
    expect(levelClientWarnings('open-loop', lvl({ event_loop_delay_p99_ms: 1.3 }, { level: 100, lateThresholdMs: 1 }))).toEqual([
      "CLIENT-LATE: postgres at 100/s: the client's event loop was delayed 1.3 ms at p99, above the late threshold (1 ms): requests can start late because of the client alone, so late starts at this level are not all the server's doing (queued ones waited for a session).",
    ]);
    // both at once, and the sweep has no late threshold
    expect(levelClientWarnings('open-loop', lvl({ event_loop_delay_p99_ms: 6 }, { level: 12.5, lateThresholdMs: 2 })).map((w) => w.split(':')[0])).toEqual(['CLIENT-BOUND? postgres at 12.50/s', 'CLIENT-LATE']);
    expect(levelClientWarnings('sweep', lvl({ event_loop_delay_p99_ms: 3 }, { lateThresholdMs: 1 }))).toEqual([]);
  });

  it('exempts in-process engines, and says nothing for levels whose load was not recorded', () => {
    const busy = { cpu_cores: 0.99, event_loop_delay_p99_ms: 40 };
    expect(levelClientWarnings('sweep', lvl(busy, { target: 'pglite', inProcess: true }))).toEqual([]);
    expect(levelClientWarnings('open-loop', lvl(busy, { target: 'pglite-wire', inProcess: true, level: 400, lateThresholdMs: 1 }))).toEqual([]);
    expect(levelClientWarnings('sweep', lvl(null))).toEqual([]);
    expect(levelClientWarnings('sweep', lvl(busy, { inProcess: null }))).toEqual([]);
    expect(levelsClientWarnings('sweep', [lvl(busy, { level: 2 }), lvl(busy, { target: 'pglite', inProcess: true }), lvl(busy, { level: 4 })]).map((w) => w.slice(0, 32))).toEqual([
      'CLIENT-BOUND? postgres × 2 clien', 'CLIENT-BOUND? postgres × 4 clien',
    ]);
  });
});
