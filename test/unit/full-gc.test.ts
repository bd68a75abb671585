import { describe, expect, it } from 'vitest';
import { fullGc } from '../../lib/measure/full-gc.js';

describe('full garbage collection before the timed loop', () => {
  it('collects an object nothing references any more, and says how long it took', async () => {
    let big: number[] | null = Array.from({ length: 100_000 }, (_, i) => i);
    const ref = new WeakRef(big);
    big = null;
    // A WeakRef's target is kept until the end of the job that created or read it: collect in a later one.
    await new Promise((resolve) => setImmediate(resolve));
    const ms = fullGc();
    expect(ref.deref()).toBeUndefined();
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(5000);
  });

  it('keeps what is still referenced, and can run again', async () => {
    const kept = { rows: [1, 2, 3] };
    const ref = new WeakRef(kept);
    await new Promise((resolve) => setImmediate(resolve));
    fullGc();
    fullGc();
    expect(ref.deref()).toBe(kept);
  });
});
