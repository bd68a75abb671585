import { describe, expect, it } from 'vitest';
import { formatDuration, progressBar } from '../../lib/cli/progress.js';

function fakeStream() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s) } };
}

describe('progress line', () => {
  it('on a terminal: redraws in place with rate and ETA, throttled, newline at the end', () => {
    const { writes, stream } = fakeStream();
    let t = 0;
    const bar = progressBar('measure', 200, 'iterations', { stream, tty: true, seconds: () => t });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\rmeasure \[░{24}\] 0% \| 0\/200 iterations \| 0\.00 iterations\/s \| elapsed 0s \| ETA --\x1b\[K$/);
    t = 10;
    bar.update(50);
    expect(writes[1]).toContain('25% | 50/200 iterations | 5.00 iterations/s | elapsed 10s | ETA 30s');
    t = 10.05;
    bar.update(51); // within 100 ms of the last draw: not drawn
    expect(writes).toHaveLength(2);
    t = 80;
    bar.update(200);
    bar.stop();
    expect(writes.at(-1)).toMatch(/100% \| 200\/200 iterations \| 2\.50 iterations\/s \| elapsed 1m20s \| ETA 0s\x1b\[K\n$/);
  });

  it('elsewhere: plain lines, at most one per interval, plus the final one', () => {
    const { writes, stream } = fakeStream();
    let t = 0;
    const bar = progressBar('seed pglite', 10_000, 'rows', { stream, tty: false, seconds: () => t, lineSeconds: 3 });
    expect(writes).toEqual(['seed pglite: 10,000 rows to go\n']);
    for (let i = 1; i <= 10; i++) {
      t = i;
      bar.update(i * 1000);
    }
    bar.stop();
    expect(writes).toEqual([
      'seed pglite: 10,000 rows to go\n',
      'seed pglite: 3,000/10,000 rows (30%) | 1,000 rows/s | elapsed 3s | ETA 7s\n',
      'seed pglite: 6,000/10,000 rows (60%) | 1,000 rows/s | elapsed 6s | ETA 4s\n',
      'seed pglite: 9,000/10,000 rows (90%) | 1,000 rows/s | elapsed 9s | ETA 1s\n',
      'seed pglite: 10,000/10,000 rows (100%) | 1,000 rows/s | elapsed 10s | ETA 0s\n',
    ]);
    expect(writes.every((w) => !w.includes('\r') && !w.includes('\x1b'))).toBe(true);
  });

  it('never draws on its own: nothing is written between update() calls (no timer)', async () => {
    const { writes, stream } = fakeStream();
    const bar = progressBar('measure', 10, 'iterations', { stream, tty: true });
    const n = writes.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(writes).toHaveLength(n);
    bar.stop();
    bar.stop();
    bar.update(5);
    expect(writes).toHaveLength(n + 1);
  });

  it('formats durations', () => {
    expect(formatDuration(0.4)).toBe('0s');
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(7325)).toBe('2h02m');
    expect(formatDuration(Number.NaN)).toBe('--');
  });
});
