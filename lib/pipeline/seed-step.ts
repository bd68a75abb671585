import { errorText, PathbenchError } from '../errors.js';
import { onTarget, type OpenTarget } from './targets.js';

/**
 * A step of loading one database failed. Carries which target and what seed was doing, so the
 * message can say where it stopped and what state the database is left in: `load` writes the
 * dataset marker last, so a database whose load failed holds none, and validate, warmup and
 * measure refuse it until `make seed` has run again (requireDatabasesHoldDataset).
 */
export class SeedStepError extends Error {
  constructor(
    readonly target: string,
    readonly step: string,
    readonly original: unknown,
  ) {
    super(`${target}: ${step}: ${errorText(original)}`, { cause: original });
    this.name = 'SeedStepError';
  }
}

/**
 * Run one step of a database load, naming it if it fails. A lost connection still becomes a
 * TargetUnavailableError (exit 3) through onTarget, and a PathbenchError (an interrupt, a check
 * of our own) passes through unchanged.
 */
export async function seedStep<T>(t: OpenTarget, step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await onTarget(t, step, fn);
  } catch (err) {
    if (err instanceof PathbenchError) throw err;
    throw new SeedStepError(t.id, step, err);
  }
}

/** SQLSTATE class XX: an internal error of the database engine (PostgreSQL's "internal_error", "data_corrupted", "index_corrupted"). */
function isInternalError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^XX[0-9A-Z]{3}$/.test(code);
}

/** The message of a failed load: where it stopped, the state it left, what to do. */
export function seedStepFailure(e: SeedStepError): string {
  const lines = [
    `seed failed on ${e.target} while ${e.step}: ${errorText(e.original)}`,
    `  ${e.target} holds no dataset marker now: validate, warmup and measure will refuse it, so none of its partial data can be measured.`,
  ];
  if (isInternalError(e.original)) {
    lines.push(`  SQLSTATE ${String((e.original as { code: string }).code)} is an internal error of the database engine, not a problem with the data or the configuration.`);
    lines.push(`  Re-run \`make seed\` (it drops and reloads ${e.target}); if it fails the same way again, report it to the engine's maintainers with the versions \`make validate\` prints.`);
  } else {
    lines.push(`  Fix the cause above, then re-run \`make seed\` (it drops and reloads ${e.target}).`);
  }
  return lines.join('\n');
}
