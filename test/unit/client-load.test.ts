import { describe, expect, it } from 'vitest';
import { CLIENT_LOOP_P99_LIMIT_MS, MIN_LOOP_PERIODS, clientBottleneckWarning, loopDelayText, loopResolutionFor, watchClientLoad, watchClientLoadArmed } from '../../lib/measure/client-load.js';

describe('client-bottleneck guard', () => {
  it('sees a busy-looping client as about one core with a stalled event loop', async () => {
    const w = await watchClientLoadArmed();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const until = Date.now() + 300;
    while (Date.now() < until); // block the event loop for 300 ms
    const cpu = process.cpuUsage(cpu0);
    const ownShare = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
    const load = await w.stop(); // settles: the overdue timer run records the stall before the histogram is read
    // A busy loop is one core, less whatever other processes on a shared machine took from it
    // (0.46 under a full test suite beside it): the guard must agree with process.cpuUsage.
    expect(ownShare).toBeGreaterThan(0.2);
    expect(load.cpu_cores).toBeGreaterThan(ownShare * 0.8);
    expect(load.cpu_cores).toBeLessThan(Math.min(1.05, ownShare * 1.25 + 0.05));
    expect(load.wall_s).toBeGreaterThan(0.25);
    // the 300 ms stall is one delayed timer run: the delay, not the 20 ms sampling interval on top
    expect(load.event_loop_samples).toBeGreaterThan(0);
    expect(load.event_loop_delay_max_ms).toBeGreaterThan(250);
  });

  it('reports the delay without the 20 ms sampling interval (Node records the whole interval between timer runs)', async () => {
    const w = watchClientLoad();
    await new Promise((resolve) => setTimeout(resolve, 300)); // an idle loop
    const load = w.stop();
    expect(load.event_loop_samples).toBeGreaterThanOrEqual(5);
    // unsubtracted, every recorded value is ≥ ~19 ms (measured: idle p50 20.37 ms at resolution 20)
    expect(load.event_loop_delay_p50_ms).toBeLessThan(15);
    // The 20 ms interval alone never warns; a loaded machine can still delay an idle loop for real.
    if (load.event_loop_delay_p99_ms < CLIENT_LOOP_P99_LIMIT_MS) expect(clientBottleneckWarning({ ...load, cpu_cores: 0 }, true)).toBeUndefined();
    else expect(clientBottleneckWarning({ ...load, cpu_cores: 0 }, true)).toMatch(/delayed/);
  });

  it('a phase shorter than the sampling interval has no delay sample: not observed, and no delay warning', () => {
    const load = watchClientLoad().stop();
    expect(load).toMatchObject({ event_loop_samples: 0, event_loop_delay_p99_ms: 0, event_loop_delay_max_ms: 0 });
    expect(clientBottleneckWarning({ ...load, cpu_cores: 0, event_loop_delay_p99_ms: 9 }, true)).toBeUndefined();
    expect(clientBottleneckWarning({ ...load, cpu_cores: 0, event_loop_delay_p99_ms: 9, event_loop_samples: 3 }, true)).toMatch(/delayed 9 ms at p99/);
  });

  it('warns only when every target runs out of process', () => {
    const busy = { cpu_cores: 0.95, event_loop_delay_p50_ms: 1, event_loop_delay_p99_ms: 12, event_loop_delay_max_ms: 20, wall_s: 10 };
    expect(clientBottleneckWarning(busy, true)).toMatch(/CLIENT-BOUND\? the client used 95% of one core and its event loop was delayed 12 ms at p99/);
    expect(clientBottleneckWarning(busy, false)).toBeUndefined();
    expect(clientBottleneckWarning({ ...busy, cpu_cores: 0.3, event_loop_delay_p99_ms: 1 }, true)).toBeUndefined();
  });

  it('fits the sampling interval to the phase: 500 periods, between 1 and 20 ms', () => {
    expect(MIN_LOOP_PERIODS).toBe(500);
    expect(loopResolutionFor(60)).toBe(20);
    expect(loopResolutionFor(2.2)).toBe(4);
    expect(loopResolutionFor(0.2)).toBe(1);
    expect(loopResolutionFor(undefined)).toBe(20);
  });

  it('a short quiet phase raises no warning, even when one timer run was late', async () => {
    const w = watchClientLoad(0.3); // 0.3 s at 1 ms: 300 periods, fewer than 500
    const until = Date.now() + 300;
    while (Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1)); // quiet "requests" of ~1 ms
    const load = w.stop();
    expect(load.event_loop_resolution_ms).toBe(1);
    expect(loopDelayText(load)).toBe('not observed (too short)');
    // the case of issue 14: ~110 samples at 20 ms, p99 = the maximum, 16.8 ms — now "not observed"
    expect(clientBottleneckWarning({ ...load, cpu_cores: 0.35, event_loop_delay_p99_ms: 16.8, event_loop_samples: 110, wall_s: 2.2, event_loop_resolution_ms: 20 }, true, 5.1)).toBeUndefined();
    // long enough, but no request took as long as the delay: it fell between requests
    expect(clientBottleneckWarning({ ...load, cpu_cores: 0.35, event_loop_delay_p99_ms: 16.8, event_loop_samples: 3000, wall_s: 60, event_loop_resolution_ms: 20 }, true, 5.1)).toBeUndefined();
    expect(clientBottleneckWarning({ ...load, cpu_cores: 0.35, event_loop_delay_p99_ms: 16.8, event_loop_samples: 3000, wall_s: 60, event_loop_resolution_ms: 20 }, true, 20)).toMatch(/delayed 16.8 ms at p99/);
  });

  it('a blocked loop still warns: requests that busy-wait 10 ms each for 1.6 s', async () => {
    const w = watchClientLoad(1.5); // 3 ms: 500 periods in 1.5 s
    // 1.6 s, not 1.5: the guard needs the phase to span MIN_LOOP_PERIODS (500) periods of 3 ms, and
    // a loop ended by Date.now()'s whole milliseconds at "1,500 ms" can have run 1,499.x ms — then
    // the loop is rightly "not observed". Measured: 14 of 20 such loops ran 1.499 s and gave only the
    // CPU reason (as in a CI run); 0 of 20 with 1.6 s.
    const t0 = Date.now();
    let slowest = 0;
    while (Date.now() - t0 < 1600) {
      const s = performance.now();
      const until = Date.now() + 10;
      while (Date.now() < until); // a deliberate busy-wait inside the "request"
      await new Promise((resolve) => setImmediate(resolve));
      slowest = Math.max(slowest, performance.now() - s);
    }
    const load = w.stop();
    expect(load.event_loop_resolution_ms).toBe(3);
    expect(load.wall_s).toBeGreaterThanOrEqual(1.5);
    expect(load.event_loop_delay_p99_ms).toBeGreaterThanOrEqual(5);
    expect(clientBottleneckWarning(load, true, slowest)).toMatch(/CLIENT-BOUND\? .*event loop was delayed [\d.]+ ms at p99/);
  });
});
