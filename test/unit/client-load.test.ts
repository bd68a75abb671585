import { describe, expect, it } from 'vitest';
import { clientBottleneckWarning, watchClientLoad } from '../../lib/measure/client-load.js';

describe('client-bottleneck guard', () => {
  it('sees a busy-looping client as about one core with a stalled event loop', () => {
    const w = watchClientLoad();
    const until = Date.now() + 300;
    while (Date.now() < until); // block the event loop for 300 ms
    const load = w.stop();
    expect(load.cpu_cores).toBeGreaterThan(0.5);
    expect(load.wall_s).toBeGreaterThan(0.25);
  });

  it('warns only when every target runs out of process', () => {
    const busy = { cpu_cores: 0.95, event_loop_delay_p50_ms: 1, event_loop_delay_p99_ms: 12, event_loop_delay_max_ms: 20, wall_s: 10 };
    expect(clientBottleneckWarning(busy, true)).toMatch(/CLIENT-BOUND\? the client used 95% of one core and its event loop was delayed 12 ms at p99/);
    expect(clientBottleneckWarning(busy, false)).toBeUndefined();
    expect(clientBottleneckWarning({ ...busy, cpu_cores: 0.3, event_loop_delay_p99_ms: 1 }, true)).toBeUndefined();
  });
});
