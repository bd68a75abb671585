import { describe, expect, it } from 'vitest';
import { parseStageFlags } from '../../lib/config/cli-flags.js';
import { resolveConfig } from '../../lib/config/load.js';
import { ConfigError } from '../../lib/errors.js';

const base = { targets: ['pglite'], scale: 'small', dataset_size: 100 };
function problemsOf(raw: Record<string, unknown>, overrides: Record<string, unknown> = {}): string[] {
  try {
    resolveConfig({ ...base, ...raw }, overrides, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('warmup to steady state and schedule: configuration', () => {
  it('defaults: 3% tolerance, windows of 20, a 60 s cap, interleaved', () => {
    expect(resolveConfig(base, {}, 'test.yaml')).toMatchObject({ warmup_tolerance: 0.03, warmup_window: 20, warmup_max_s: 60, schedule: 'interleaved' });
  });

  it('a tolerance given in percent is refused with what to write instead', () => {
    const p = problemsOf({ warmup_tolerance: 3 });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^warmup_tolerance: expected a fraction < 1, e\.g\. 0\.03 for 3% \(not 3\)/);
    expect(problemsOf({ warmup_tolerance: 0 })[0]).toMatch(/^warmup_tolerance: expected a fraction > 0/);
  });

  it('every bad field is reported in one message', () => {
    const p = problemsOf({ warmup_window: 2, warmup_max_s: -1, schedule: 'random' });
    expect(p).toHaveLength(3);
    expect(p.find((x) => x.startsWith('warmup_window:'))).toMatch(/at least 3 latencies per window/);
    expect(p.find((x) => x.startsWith('warmup_max_s:'))).toMatch(/seconds ≥ 0 \(0 = fixed count of `warmup`\)/);
    expect(p.find((x) => x.startsWith('schedule:'))).toMatch(/interleaved.*blocked/);
  });

  it('flags: --schedule and --warmup-max-s', () => {
    expect(parseStageFlags(['--schedule', 'blocked', '--warmup-max-s', '12.5']).overrides).toMatchObject({ schedule: 'blocked', warmup_max_s: 12.5 });
    expect(() => parseStageFlags(['--warmup-max-s', 'soon'])).toThrow(/--warmup-max-s: expected seconds ≥ 0 .* got "soon"/);
    expect(problemsOf({}, { schedule: 'sideways' })[0]).toMatch(/^schedule:/);
  });
});
