import { redact } from './config/redact.js';
/**
 * One errors module, one voice. Every failure a user can see is a PathbenchError
 * carrying the exit code of DESIGN.md:
 *   0 ok, 2 bad configuration or usage, 3 a target unavailable (FR-006 abort), 1 anything else.
 * Messages quote the bad value and say what to do next.
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  targetUnavailable: 3,
  /** 128 + SIGINT, the shell convention; used for SIGTERM too. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class PathbenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PathbenchError';
  }
}

/** Bad configuration or CLI usage: nothing has been written when this is thrown. */
export class ConfigError extends PathbenchError {
  constructor(readonly problems: string[], source: string) {
    super(
      `invalid configuration (${source}):\n` + problems.map((p) => `  - ${p}`).join('\n'),
      ExitCode.usage,
    );
    this.name = 'ConfigError';
  }
}

/** A stage was run before the stage that produces its inputs. */
export class MissingInputError extends PathbenchError {
  constructor(stage: string, what: string, runFirst: string) {
    super(`${stage}: ${what}. Run \`make ${runFirst}\` first.`, ExitCode.usage);
    this.name = 'MissingInputError';
  }
}

/** One or more targets cannot be used; the run is aborted before (or during) measurement. */
export class TargetUnavailableError extends PathbenchError {
  constructor(readonly failures: { target: string; reason: string }[], when: string) {
    super(
      `${when}: ${failures.length} target(s) unavailable, run aborted:\n` +
        failures.map((f) => `  - ${f.target}: ${f.reason}`).join('\n'),
      ExitCode.targetUnavailable,
    );
    this.name = 'TargetUnavailableError';
  }
}

/** SIGINT or SIGTERM arrived: the stage stops between requests, keeping what it measured. */
export class InterruptedError extends PathbenchError {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}: stopped cleanly; samples measured so far are stored, the run is marked interrupted`, ExitCode.interrupted);
    this.name = 'InterruptedError';
  }
}

/**
 * Best-effort one-line text of anything thrown (drivers throw strings, Errors, objects), with
 * credentials redacted (URL userinfo, password=…): every message a stage prints or stores goes
 * through here, so a password inside a server's or a driver's error text never reaches a log or
 * the store.
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return redact(code && !err.message.includes(String(code)) ? `${err.message} (${String(code)})` : err.message);
  }
  return redact(String(err));
}
