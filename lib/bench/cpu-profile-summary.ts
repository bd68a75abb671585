/**
 * Where a client's time goes, from a V8 CPU profile (node --cpu-prof, or the inspector's
 * Profiler.stop): self time per function and per category, so `make profile-peers` can name the
 * driver parse, result conversion, event loop, socket and our own code instead of guessing.
 *
 * Self time is read from the sample stream (sample i lasted timeDeltas[i + 1] µs, the last one until
 * endTime), not from hitCount × interval: under load V8 takes samples late, and the deltas say by
 * how much.
 */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export const CATEGORIES = [
  'waiting (idle in the event loop: server + network)',
  'driver: protocol parse/serialize (pg-protocol)',
  'driver: result conversion (pg Result, pg-types)',
  'driver: client and query state (pg)',
  'node: sockets, streams, timers, promises',
  'native calls from JS (writev, hrtime, …)',
  'garbage collector',
  'V8 / native, unattributed ((program))',
  'pathbench code (lib/, scripts/)',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The category of one stack frame, by its function name and script URL. */
export function categoryOf(frame: CpuProfileNode['callFrame']): Category {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return CATEGORIES[0];
  if (fn === '(garbage collector)') return CATEGORIES[6];
  if (fn === '(program)' || fn === '(root)') return CATEGORIES[7];
  if (/node_modules\/pg-protocol\//.test(url)) return CATEGORIES[1];
  if (/node_modules\/pg\/lib\/result\.js|node_modules\/(pg-types|postgres-array|postgres-date|pg-int8)\//.test(url)) return CATEGORIES[2];
  if (/node_modules\/pg\//.test(url)) return CATEGORIES[3];
  if (url.startsWith('node:')) return CATEGORIES[4];
  if (url === '') return CATEGORIES[5];
  if (!url.includes('node_modules') && /\/(lib|scripts|stages)\//.test(url)) return CATEGORIES[8];
  return CATEGORIES[9];
}

export interface FunctionTime {
  /** "name (file:line)" with the file relative to node_modules or the project. */
  label: string;
  category: Category;
  selfUs: number;
}

export interface ProfileSummary {
  totalUs: number;
  byCategory: Map<Category, number>;
  /** Descending by self time. */
  byFunction: FunctionTime[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const own = url.match(/\/(build\/)?(lib|scripts|stages)\/.*$/);
  return own ? own[0].slice(1) : url.replace(/^file:\/\//, '');
}

export function summarizeProfile(p: CpuProfile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  let t = p.startTime;
  const times = samples.map((_, i) => (t += deltas[i] ?? 0));
  for (let i = 0; i < samples.length; i++) {
    const dur = (i + 1 < samples.length ? times[i + 1]! : p.endTime) - times[i]!;
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + Math.max(0, dur));
  }
  const byCategory = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  const byLabel = new Map<string, FunctionTime>();
  let totalUs = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const category = categoryOf(frame);
    byCategory.set(category, byCategory.get(category)! + us);
    totalUs += us;
    const label = `${frame.functionName || '(anonymous)'}${frame.url ? ` (${shortUrl(frame.url)}:${frame.lineNumber + 1})` : ''}`;
    const f = byLabel.get(label) ?? { label, category, selfUs: 0 };
    f.selfUs += us;
    byLabel.set(label, f);
  }
  return { totalUs, byCategory, byFunction: [...byLabel.values()].sort((a, b) => b.selfUs - a.selfUs) };
}

/** Adds b into a (profiles of several rounds of one client). */
export function addSummaries(a: ProfileSummary, b: ProfileSummary): ProfileSummary {
  const byCategory = new Map(a.byCategory);
  for (const [c, us] of b.byCategory) byCategory.set(c, (byCategory.get(c) ?? 0) + us);
  const byLabel = new Map(a.byFunction.map((f) => [f.label, { ...f }]));
  for (const f of b.byFunction) {
    const g = byLabel.get(f.label);
    if (g) g.selfUs += f.selfUs;
    else byLabel.set(f.label, { ...f });
  }
  return { totalUs: a.totalUs + b.totalUs, byCategory, byFunction: [...byLabel.values()].sort((x, y) => y.selfUs - x.selfUs) };
}
