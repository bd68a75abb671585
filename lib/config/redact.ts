/**
 * Secrets never reach a file or a log: any key that looks like a secret is replaced before a
 * config is stored or rendered. Applied to the whole resolved config, recursively.
 */
export const SECRET_KEY = /(^|_)(pass(word)?|passphrase|pwd)($|_)|secret|token|credential|api[_-]?key/i;
export const REDACTED = '***redacted***';

export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // `password_env` names an environment variable, not a secret: keep it visible.
      out[k] = SECRET_KEY.test(k) && !k.endsWith('_env') && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v);
    }
    return out as T;
  }
  if (typeof value === 'string') {
    return value
      // user:password@ in URLs; the password may itself contain an unencoded '@', so up to the last one.
      // The scheme is bounded (RFC 3986 schemes are short): unbounded, a long run of letters
      // without "://" backtracked quadratically (a 5 MB value took minutes).
      .replace(/([a-z][a-z0-9+.-]{0,31}:\/\/[^:/@\s]*:)\S*@/gi, `$1${REDACTED}@`)
      // password=... in URL query strings and key=value connection strings.
      .replace(/(^|[?&\s;])(password|pwd)=[^&\s;]*/gi, `$1$2=${REDACTED}`) as T;
  }
  return value;
}
