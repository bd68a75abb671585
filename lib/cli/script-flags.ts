import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';

/**
 * Flag parsing of the make bench-* / profile-* scripts (stages use lib/config/cli-flags.ts). Flags
 * take a string value, except `switches` and `--help` (-h); an unknown or malformed flag is a usage error (exit 2) that
 * names it and prints the usage. Checks of the values collect their problems in `problems`, so one
 * run reports all of them; `done()` throws them as one ConfigError.
 */
export class ScriptFlags<K extends string> {
  readonly problems: string[] = [];
  private constructor(
    readonly values: Partial<Record<K, string>>,
    private readonly switches: ReadonlySet<string>,
    private readonly script: string,
  ) {}

  /** The flags, or 'help' when --help was given. */
  static parse<K extends string>(argv: string[], flags: readonly K[], usage: string, script: string, switches: readonly string[] = []): ScriptFlags<K> | 'help' {
    const options = Object.fromEntries([
      ...flags.map((f) => [f, { type: 'string' as const }]),
      ...switches.map((f) => [f, { type: 'boolean' as const }]),
      ['help', { type: 'boolean' as const, short: 'h' }],
    ]);
    let v: Record<string, string | boolean | undefined>;
    try {
      v = parseArgs({ args: argv, strict: true, options }).values as Record<string, string | boolean | undefined>;
    } catch (err) {
      throw new ConfigError([`${(err as Error).message.replace(/\.$/, '')}.\n${usage}`], script);
    }
    if (v.help) return 'help';
    const on = new Set(switches.filter((f) => v[f] === true));
    return new ScriptFlags(Object.fromEntries(flags.filter((f) => typeof v[f] === 'string').map((f) => [f, v[f]])) as Partial<Record<K, string>>, on, script);
  }

  /** Whether a switch (a flag without a value) was given. */
  on(name: string): boolean {
    return this.switches.has(name);
  }

  /** An integer flag ≥ min, or its default. */
  int(flag: K, dflt: number, min: number): number {
    const raw = this.values[flag];
    if (raw === undefined) return dflt;
    if (!/^\d+$/.test(raw) || Number(raw) < min) this.problems.push(`--${flag}: expected an integer ≥ ${min}, got "${raw}"`);
    return Number(raw);
  }

  /** A flag whose value must be one of `allowed`, or its default. */
  oneOf<T extends string>(flag: K, allowed: readonly T[], dflt: T): T {
    const raw = this.values[flag] ?? dflt;
    if (!(allowed as readonly string[]).includes(raw)) this.problems.push(`--${flag}: "${raw}" is not one of ${allowed.join(', ')}`);
    return raw as T;
  }

  /** Throws every problem found so far as one usage error (exit 2). */
  done(): void {
    if (this.problems.length) throw new ConfigError(this.problems, this.script);
  }
}
