/**
 * `make profile-peers`: where the time of pathbench's measure loop and of the bare node-postgres
 * loop goes, on the same connection, query, statement mode and parameters as `make bench-peers`
 * (lib/bench/peer-side.ts). Each loop runs under the inspector's CPU profiler (the same sampler as
 * node --cpu-prof, started and stopped around that loop only), rounds alternating; printed per
 * client: p50 of the profiled loop, µs per request by category (lib/bench/cpu-profile-summary.ts)
 * and the functions with the most self time, pathbench beside bare.
 * The profiler itself costs time per sample in both loops alike; compare the two columns, not
 * these latencies with bench-peers'.
 */
import { Session as InspectorSession } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { ScriptFlags } from '../lib/cli/script-flags.js';
import { CATEGORIES, addSummaries, summarizeProfile, type CpuProfile, type ProfileSummary } from '../lib/bench/cpu-profile-summary.js';
import { bareClientLoop, openSide, pathbenchLoop } from '../lib/bench/peer-side.js';
import { loadConfig } from '../lib/config/load.js';
import { PROJECT_ROOT } from '../lib/env/package-version.js';
import { PathbenchError } from '../lib/errors.js';
import { prepareCalls } from '../lib/measure/prepare.js';
import { workloadShape } from '../lib/pipeline/session-setup.js';
import { QUERY_MODES } from '../lib/targets/query-mode.js';
import { quantileSorted } from '../lib/stats/quantile.js';
import { QUERIES } from '../lib/workload/queries.js';

const USAGE = `usage: make profile-peers ARGS="[--config FILE] [--mode extended] [--query simple_select_id] [--requests N] [--rounds N] [--interval-us N] [--top N] [--save DIR]"
  --config       profile whose postgres target is used, already seeded (default config/local.yaml)
  --mode         simple | extended | prepared (default extended)
  --query        one query id (default simple_select_id)
  --requests     requests per loop per round (default 5000)
  --rounds       rounds, the two loops alternating (default 4)
  --interval-us  sampling interval (default 100)
  --top          functions listed (default 15)
  --save         write each loop's .cpuprofile there (for Chrome DevTools)`;

async function main(argv: string[]): Promise<number> {
  const f = ScriptFlags.parse(argv, ['config', 'mode', 'query', 'requests', 'rounds', 'interval-us', 'top', 'save'], USAGE, 'profile-peers');
  if (f === 'help') {
    console.log(USAGE);
    return 0;
  }
  const v = f.values;
  const mode = f.oneOf('mode', QUERY_MODES, 'extended');
  const found = QUERIES.find((x) => x.id === (v.query ?? 'simple_select_id'));
  if (!found) f.problems.push(`--query: unknown query "${v.query}"; known: ${QUERIES.map((x) => x.id).join(', ')}`);
  const requests = f.int('requests', 5000, 1);
  const rounds = f.int('rounds', 4, 1);
  const intervalUs = f.int('interval-us', 100, 1);
  const top = f.int('top', 15, 1);
  f.done();
  const q = found!; // done() threw when it was not found

  const c = await loadConfig(resolve(PROJECT_ROOT, v.config ?? 'config/local.yaml'), { targets: ['postgres'], query_vector_pool: 10, vector_param_format: 'text' });
  const side = await openSide(c, mode);
  const inspector = new InspectorSession();
  inspector.connect();
  try {
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: intervalUs });
    const [prepared] = prepareCalls([side.target], side.pools, [q], workloadShape(c), 'measure', requests);
    const calls = prepared!.calls[0]!;
    const loops = { pathbench: () => pathbenchLoop(side, q, calls, requests), bare: () => bareClientLoop(side, calls, requests) };
    // One unprofiled pass each: parse of a prepared statement, JIT of both loops.
    await loops.pathbench();
    await loops.bare();
    const sums: Record<keyof typeof loops, ProfileSummary | undefined> = { pathbench: undefined, bare: undefined };
    const p50s: Record<keyof typeof loops, number[]> = { pathbench: [], bare: [] };
    for (let r = 0; r < rounds; r++) {
      for (const client of (r % 2 === 0 ? ['pathbench', 'bare'] : ['bare', 'pathbench']) as (keyof typeof loops)[]) {
        await inspector.post('Profiler.start');
        const ms = await loops[client]();
        const { profile } = (await inspector.post('Profiler.stop')) as { profile: CpuProfile };
        if (v.save) await writeFile(resolve(v.save, `${mode}-${q.id}-${client}-${r}.cpuprofile`), JSON.stringify(profile));
        const s = summarizeProfile(profile);
        sums[client] = sums[client] ? addSummaries(sums[client]!, s) : s;
        p50s[client].push(quantileSorted(Float64Array.from(ms).sort(), 0.5));
      }
    }
    const n = requests * rounds;
    const per = (us: number) => (us / n).toFixed(1).padStart(8);
    const med = (xs: number[]) => quantileSorted(Float64Array.from(xs).sort(), 0.5).toFixed(3);
    console.log(`profile-peers: ${q.id}, ${mode} mode, ${rounds} rounds × ${requests} requests per loop, sampled every ${intervalUs} µs (profiler on)`);
    console.log(`  machine: node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`);
    console.log(`  p50 under the profiler (median over rounds): pathbench ${med(p50s.pathbench)} ms, bare ${med(p50s.bare)} ms`);
    console.log(`\n  µs per request by category      pathbench     bare     diff`);
    for (const cat of CATEGORIES) {
      const a = sums.pathbench!.byCategory.get(cat) ?? 0;
      const b = sums.bare!.byCategory.get(cat) ?? 0;
      if (a === 0 && b === 0) continue;
      console.log(`  ${cat.padEnd(52).slice(0, 52)} ${per(a)} ${per(b)} ${per(a - b)}`);
    }
    console.log(`  ${'total (wall time of the loop)'.padEnd(52)} ${per(sums.pathbench!.totalUs)} ${per(sums.bare!.totalUs)} ${per(sums.pathbench!.totalUs - sums.bare!.totalUs)}`);
    const labels = new Set([...sums.pathbench!.byFunction.slice(0, top), ...sums.bare!.byFunction.slice(0, top)].map((f) => f.label));
    const self = (s: ProfileSummary, l: string) => s.byFunction.find((f) => f.label === l)?.selfUs ?? 0;
    console.log(`\n  µs per request, self time       pathbench     bare     diff   function`);
    for (const l of [...labels].sort((x, y) => self(sums.pathbench!, y) + self(sums.bare!, y) - self(sums.pathbench!, x) - self(sums.bare!, x))) {
      console.log(`  ${''.padEnd(32)}${per(self(sums.pathbench!, l))} ${per(self(sums.bare!, l))} ${per(self(sums.pathbench!, l) - self(sums.bare!, l))}   ${l}`);
    }
    return 0;
  } finally {
    inspector.disconnect();
    await side.target.session.close();
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`profile-peers: error: ${err instanceof Error ? err.message : String(err)}\n`);
  return err instanceof PathbenchError ? err.exitCode : 1;
});
