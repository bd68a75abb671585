import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

/**
 * The garbage-collection pauses of this process during a phase, on the timed loop's clock, so the
 * report can say which slow requests overlapped one (the "deterministic tail": slow samples at
 * the same positions of the sequence in every run, which coincided with V8 collections in a fresh
 * process — docs/faq.md).
 *
 * Node's PerformanceObserver for 'gc': V8 reports each pause once it ends. The observer's callback
 * only appends to an array and runs on the event loop when a pause happened — a few
 * microseconds, in the sample that the pause itself already lengthened, if it lands in one.
 * performance.now() and process.hrtime() read the same monotonic clock (uv_hrtime) in Node; one
 * pair of readings at the start converts between them.
 */
export interface GcPause {
  /** On process.hrtime.bigint()'s clock. */
  startHrNs: bigint;
  durationNs: number;
  kind: GcKind;
}

export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb' | 'other';

const KINDS = new Map<number, GcKind>([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/** stop() lets the event loop turn once first: Node queues a pause's entry from the GC's epilogue, not at once. */
export function watchGc(): { stop(): Promise<GcPause[]> } {
  const perf0 = performance.now();
  const hr0 = process.hrtime.bigint();
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push(e);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      await new Promise((resolve) => setImmediate(resolve));
      entries.push(...observer.takeRecords());
      observer.disconnect();
      return entries.map((e) => ({
        startHrNs: hr0 + BigInt(Math.round((e.startTime - perf0) * 1e6)),
        durationNs: Math.round(e.duration * 1e6),
        kind: KINDS.get((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1) ?? 'other',
      }));
    },
  };
}
