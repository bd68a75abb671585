import { stopwatch } from '../measure/stopwatch.js';

/**
 * A progress line on stderr with a rate and an ETA. On a terminal it is redrawn in place (at most
 * every 100 ms); elsewhere (CI, logs) it prints a plain line every few seconds instead, plus the
 * final one.
 *
 * It draws only when the caller calls update() or stop(), synchronously, never from a timer: the
 * measure loop calls update() between iterations (lib/measure/run-phase.ts onIteration), so nothing
 * is ever printed while a request is being timed. (cli-progress, used before, redraws on its own
 * setTimeout schedule, which can fire while a timed request awaits the network.)
 */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Where to draw (default process.stderr). */
  stream?: { write(chunk: string): unknown; columns?: number };
  /** Redraw in place (default: whether stderr is a terminal). */
  tty?: boolean;
  /** Seconds since start (default: a stopwatch started with the bar); injectable for tests. */
  seconds?: () => number;
  /** Minimum seconds between redraws on a terminal (default 0.1) and between plain lines (default 3). */
  redrawSeconds?: number;
  lineSeconds?: number;
}

/** 7s, 1m05s, 2h03m. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

const formatRate = (r: number) => (r >= 100 ? Math.round(r).toLocaleString('en-US') : r >= 10 ? r.toFixed(1) : r.toFixed(2));
const BAR_WIDTH = 24;

export function progressBar(label: string, total: number, unit: string, o: ProgressOptions = {}): Progress {
  const stream = o.stream ?? process.stderr;
  const tty = o.tty ?? process.stderr.isTTY === true;
  const seconds = o.seconds ?? stopwatch().seconds;
  const every = tty ? (o.redrawSeconds ?? 0.1) : (o.lineSeconds ?? 3);
  let done = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let stopped = false;

  const line = (elapsed: number): string => {
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = done >= total ? 0 : rate > 0 ? (total - done) / rate : Number.NaN;
    const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    const count = `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}`;
    const tail = `${formatRate(rate)} ${unit}/s | elapsed ${formatDuration(elapsed)} | ETA ${formatDuration(eta)}`;
    if (!tty) return `${label}: ${count} (${pct}%) | ${tail}`;
    const filled = Math.round((pct / 100) * BAR_WIDTH);
    const text = `${label} [${'\u2588'.repeat(filled)}${'\u2591'.repeat(BAR_WIDTH - filled)}] ${pct}% | ${count} | ${tail}`;
    const width = stream.columns;
    return width && text.length > width - 1 ? text.slice(0, width - 1) : text;
  };
  const draw = (final: boolean) => {
    const elapsed = seconds();
    if (!final && elapsed - lastDraw < every) return;
    lastDraw = elapsed;
    stream.write(tty ? `\r${line(elapsed)}\x1b[K${final ? '\n' : ''}` : `${line(elapsed)}\n`);
  };

  if (tty) draw(false);
  else {
    stream.write(`${label}: ${total.toLocaleString('en-US')} ${unit} to go\n`);
    lastDraw = seconds();
  }
  return {
    update(n) {
      if (stopped) return;
      done = n;
      draw(false);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      draw(true);
    },
  };
}
