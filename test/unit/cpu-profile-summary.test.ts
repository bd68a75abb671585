import { describe, expect, it } from 'vitest';
import { addSummaries, categoryOf, summarizeProfile, type CpuProfile } from '../../lib/bench/cpu-profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('CPU profile summary', () => {
  it('puts frames in the categories the bench-peers printout names', () => {
    expect(categoryOf(frame('(idle)'))).toMatch(/^waiting/);
    expect(categoryOf(frame('(garbage collector)'))).toBe('garbage collector');
    expect(categoryOf(frame('parse', 'file:///x/node_modules/pg-protocol/dist/parser.js'))).toMatch(/pg-protocol/);
    expect(categoryOf(frame('parseRow', 'file:///x/node_modules/pg/lib/result.js'))).toMatch(/result conversion/);
    expect(categoryOf(frame('noParse', 'file:///x/node_modules/pg-types/lib/textParsers.js'))).toMatch(/result conversion/);
    expect(categoryOf(frame('query', 'file:///x/node_modules/pg/lib/client.js'))).toMatch(/^driver: client/);
    expect(categoryOf(frame('writevGeneric', 'node:internal/stream_base_commons'))).toMatch(/^node:/);
    expect(categoryOf(frame('writev'))).toMatch(/^native/);
    expect(categoryOf(frame('runPhase', 'file:///work/p/build/lib/measure/run-phase.js'))).toMatch(/^pathbench/);
    expect(categoryOf(frame('f', 'file:///work/p/node_modules/other/index.js'))).toBe('other');
  });

  it('reads self time from the sample deltas, not the hit counts', () => {
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('runPhase', 'file:///p/build/lib/measure/run-phase.js', 4) },
      ],
      startTime: 1000,
      endTime: 1700,
      // samples at 1000 (idle), 1100 (runPhase), 1400 (idle): 100 µs, 300 µs, then 300 µs to endTime
      samples: [2, 3, 2],
      timeDeltas: [0, 100, 300],
    };
    const s = summarizeProfile(p);
    expect(s.totalUs).toBe(700);
    expect(s.byFunction[0]).toEqual({ label: '(idle)', category: s.byFunction[0]!.category, selfUs: 400 });
    expect(s.byFunction[1]).toMatchObject({ label: 'runPhase (build/lib/measure/run-phase.js:5)', selfUs: 300 });
    const twice = addSummaries(s, s);
    expect(twice.totalUs).toBe(1400);
    expect(twice.byFunction.find((f) => f.label.startsWith('runPhase'))!.selfUs).toBe(600);
    expect([...twice.byCategory.values()].reduce((a, b) => a + b, 0)).toBe(1400);
  });
});
