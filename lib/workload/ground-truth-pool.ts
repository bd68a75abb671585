import { Worker } from 'node:worker_threads';
import type { TopKKernel } from './top-k-select.js';
import type { TopKResult } from './top-k.js';

/** One slice of the query pool over the shared dataset (ground-truth-worker.ts computes it). */
export interface GroundTruthJob {
  data: SharedArrayBuffer;
  queries: SharedArrayBuffer;
  rows: number;
  dims: number;
  qFrom: number;
  qTo: number;
  k: number;
  categories: number;
  /** Category index per row (a file's column; copied to each worker); absent: id mod categories. */
  rowCategories?: Uint16Array;
  kernel: TopKKernel;
}

/**
 * Ground-truth worker threads started BEFORE the data exists: starting one costs tsx plus module
 * loading (measured ~1 CPU s per worker on the shared dev machine), which then overlaps the data
 * generation instead of adding to it. Workers take jobs in order, one at a time each; `close()`
 * ends them (safe to call twice).
 */
export class GroundTruthPool {
  readonly #workers: Worker[];
  /** Resolves when every worker has loaded its modules (each posts one 'ready' message). */
  readonly ready: Promise<void>;

  constructor(readonly size: number) {
    // A plain-JS entry that registers tsx first (see ground-truth-worker.mjs).
    this.#workers = Array.from({ length: size }, () => new Worker(new URL('./ground-truth-worker.mjs', import.meta.url)));
    this.ready = Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
          }),
      ),
    ).then(() => undefined);
    this.ready.catch(() => undefined); // reported by run(), not as an unhandled rejection
  }

  /** Runs one job per worker (jobs.length ≤ size); results in job order. */
  async run(jobs: readonly GroundTruthJob[]): Promise<TopKResult[]> {
    if (jobs.length > this.#workers.length) throw new Error(`ground truth: ${jobs.length} jobs for ${this.#workers.length} workers`);
    await this.ready;
    return Promise.all(
      jobs.map(
        (job, i) =>
          new Promise<TopKResult>((resolve, reject) => {
            const w = this.#workers[i]!;
            const onExit = (code: number) => reject(new Error(`ground-truth worker exited with code ${code}`));
            const done = () => {
              w.off('error', reject);
              w.off('exit', onExit);
            };
            w.once('message', (m: TopKResult) => {
              done();
              resolve(m);
            });
            w.once('error', reject);
            w.once('exit', onExit);
            w.postMessage(job);
          }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
