import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/**
 * One full garbage collection of this process, now (V8's `gc()`, exposed at run time, so the
 * stages need no `--expose-gc` on their command line); returns how long it took (ms). Never inside
 * a timed call: measure runs it once, after the last warmup and before the timed loop, and logs it.
 *
 * Why: the measuring process ran its measured phase in one of two garbage-collection regimes, and
 * in one of them the short queries were sometimes still getting faster while timed. `node
 * --trace-gc` names them: (A) a mark-compact every ~2.3 s "in old space requested" and no
 * scavenge, or (B) a scavenge of the 64 MiB young generation every ~9 s for "external memory
 * pressure" until the first mark-compact, after which every run stayed in A. 18 of 42 quiet
 * `measure` runs of config/embedded.yaml started their phase in B. On the 23 whose speed probe was
 * steady, the short and index kNN queries' last ÷ first quarter (median over pairs) was 0.94–1.02
 * in all 10 that ran in A and 0.86–1.06 in the 13 in B, at or below 0.89 in 4 of them with the
 * exact scans flat — suggestive, not proven (one-sided Fisher p = 0.08; docs/methodology.md,
 * cause 6). With this collection before the timed loop, 6 of 6 runs started in A. Why B slows
 * those requests was not found; this takes the run out of it at the cost of one collection
 * (18–24 ms measured), as JMH's forced GC between iterations does.
 */
export function fullGc(): number {
  if (!collect) {
    // --expose-gc set after start-up installs `gc` on contexts created from then on.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  const t0 = process.hrtime.bigint();
  collect();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
