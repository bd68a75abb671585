import cliProgress from 'cli-progress';
import { stopwatch } from '../measure/stopwatch.js';

/**
 * A progress bar on stderr with a rate (rows/s). On a terminal it redraws; elsewhere (CI, logs)
 * it prints one line every few seconds instead.
 */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function progressBar(label: string, total: number, unit: string): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {speed} ${unit}/s | {duration_formatted}`,
      stream: process.stderr,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 3000,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const clock = stopwatch();
  bar.start(total, 0, { speed: '0' });
  return {
    update(done) {
      const s = clock.seconds();
      bar.update(done, { speed: s > 0 ? Math.round(done / s).toLocaleString('en-US') : '0' });
    },
    stop() {
      bar.stop();
    },
  };
}
