import { describe, expect, it } from 'vitest';
import { ScriptFlags } from '../../lib/cli/script-flags.js';
import { ConfigError } from '../../lib/errors.js';

describe('ScriptFlags (the bench scripts\' flags)', () => {
  const parse = (argv: string[]) => ScriptFlags.parse(argv, ['rounds', 'mode'], 'usage: x', 'bench-x', ['verbose']);

  it('reads string flags, switches and --help', () => {
    const f = parse(['--rounds', '4', '--verbose']);
    expect(f).not.toBe('help');
    if (f === 'help') return;
    expect(f.int('rounds', 6, 3)).toBe(4);
    expect(f.oneOf('mode', ['simple', 'prepared'] as const, 'prepared')).toBe('prepared');
    expect(f.on('verbose')).toBe(true);
    expect(() => f.done()).not.toThrow();
    expect(parse(['-h'])).toBe('help');
  });

  it('collects every bad value and throws them as one usage error naming each flag', () => {
    const f = parse(['--rounds', '2', '--mode', 'fast']);
    if (f === 'help') throw new Error('not help');
    f.int('rounds', 6, 3);
    f.oneOf('mode', ['simple', 'prepared'] as const, 'prepared');
    expect(f.on('verbose')).toBe(false);
    let err: unknown;
    try {
      f.done();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('--rounds: expected an integer ≥ 3, got "2"');
    expect((err as Error).message).toContain('--mode: "fast" is not one of simple, prepared');
  });

  it('an unknown flag is a usage error with the usage', () => {
    expect(() => parse(['--round', '3'])).toThrow(/Unknown option '--round'[\s\S]*usage: x/);
  });
});
