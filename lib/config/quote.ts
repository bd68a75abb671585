import { redact, REDACTED, SECRET_KEY } from './redact.js';

/** The longest quoted value an error message carries: a 50 MB scalar must not be echoed back whole. */
export const MAX_QUOTED_CHARS = 120;
/** The most problems one ConfigError lists; the rest are counted ("… and 99,950 more"). */
export const MAX_PROBLEMS = 50;

/**
 * A config value as error messages quote it: credentials redacted (URL userinfo, password=…, and
 * the whole value when its key looks like a secret), then cut to MAX_QUOTED_CHARS with the length
 * said.
 */
export function quoteValue(value: unknown, key?: PropertyKey): string {
  if (key !== undefined && SECRET_KEY.test(String(key)) && !String(key).endsWith('_env')) return `"${REDACTED}"`;
  let text: string;
  try {
    text = JSON.stringify(redact(value)) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length <= MAX_QUOTED_CHARS) return text;
  return `${text.slice(0, MAX_QUOTED_CHARS)}… (${text.length.toLocaleString('en-US')} characters)`;
}

/** At most MAX_PROBLEMS problems, then one line counting the rest. */
export function capProblems(problems: readonly string[]): string[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  return [...problems.slice(0, MAX_PROBLEMS), `… and ${(problems.length - MAX_PROBLEMS).toLocaleString('en-US')} more`];
}
