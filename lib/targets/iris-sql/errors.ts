/**
 * IRIS errors, in the shapes the pipeline understands. readMarker treats SQLSTATE 42P01
 * (undefined table) as "never seeded"; IRIS says SQLCODE -30 ("Table … not found").
 */
export const SQLCODE_TABLE_NOT_FOUND = -30;

/** An SQL error reported by PathBench.SQL (iris/PathBench.SQL.cls): SQLCODE and %msg. */
export class IrisSqlError extends Error {
  readonly sqlcode: number;
  /** SQLSTATE-like code for the pipeline: 42P01 for a missing table, else IRIS-<SQLCODE>. */
  readonly code: string;
  constructor(sqlcode: number, message: string) {
    super(`IRIS SQLCODE ${sqlcode}: ${message}`);
    this.name = 'IrisSqlError';
    this.sqlcode = sqlcode;
    this.code = sqlcode === SQLCODE_TABLE_NOT_FOUND ? '42P01' : `IRIS${sqlcode}`;
  }
}

/**
 * An error from IRIS that reports a missing table, whatever carried it (the gateway may or may not
 * map SQLCODE -30 to SQLSTATE 42P01), becomes one with code 42P01; anything else is returned as is.
 */
export function asMissingTable(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (code === '42P01') return err;
  const msg = String((err as Error)?.message ?? err);
  if (/SQLCODE[^\d-]{0,4}<?-30>?(?!\d)/i.test(msg) || /table\s+\S+\s+(not found|does not exist)/i.test(msg)) {
    return Object.assign(new Error(msg, { cause: err }), { code: '42P01' });
  }
  return err;
}

/**
 * True when an error from the Native SDK means the connection is gone. The SDK throws plain
 * Errors; the IRIS drivers share one core whose connection failures read
 * "<COMMUNICATION LINK ERROR> …" (e.g. intersystems-community/iris-driver-distribution#54);
 * socket errors surface with their errno names.
 */
export function isIrisConnectionLoss(err: unknown): boolean {
  if (err instanceof IrisSqlError) return false;
  const msg = String((err as Error)?.message ?? err);
  return /COMMUNICATION LINK|<DISCONNECT>|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|connection (is )?(closed|lost|reset)|not connected|socket/i.test(msg);
}
