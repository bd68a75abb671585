import { compile, type TopLevelSpec } from 'vega-lite';

/** Compiles a Vega-Lite spec with a logger that keeps every warning and error instead of printing them. */
export function compileCollecting(spec: TopLevelSpec): { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger = {
    level(_?: number) { return logger; },
    error(...a: unknown[]) { errors.push(a.join(' ')); return logger; },
    warn(...a: unknown[]) { warnings.push(a.join(' ')); return logger; },
    info() { return logger; },
    debug() { return logger; },
  };
  compile(spec, { logger });
  return { warnings, errors };
}
