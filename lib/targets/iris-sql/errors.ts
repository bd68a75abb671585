/**
 * IRIS errors, in the shapes the pipeline understands. readMarker treats SQLSTATE 42P01
 * (undefined table) as "never seeded"; IRIS says SQLCODE -30 ("Table or view not found",
 * https://docs.intersystems.com/csp/docbook/DocBook.UI.Page.cls?KEY=RERR_sql).
 */
export const SQLCODE_TABLE_NOT_FOUND = -30;

/**
 * The texts a missing table reaches us in, whatever carried it:
 * - a %Status from a failed %Prepare: `ERROR #5540: SQLCODE: -30 Message: Table 'SQLUSER.X' not found`;
 * - the DB-API behind the gateway: `[SQLCODE: <-30>:<Table or view not found>]`;
 * - the message alone: `Table 'SQLUSER.X' not found`, or PostgreSQL's `relation "x" does not exist`
 *   wording `table x does not exist`.
 */
const MISSING_TABLE_TEXT = [/SQLCODE[^\d-]{0,4}<?-30>?(?!\d)/i, /table\s+\S+\s+(not found|does not exist)/i, /table or view not found/i];

export function readsAsMissingTable(message: string): boolean {
  return MISSING_TABLE_TEXT.some((re) => re.test(message));
}

/** An SQL error reported by PathBench.SQL (iris/PathBench.SQL.cls): SQLCODE and %msg. */
export class IrisSqlError extends Error {
  readonly sqlcode: number;
  /**
   * SQLSTATE-like code for the pipeline: 42P01 for a missing table, else IRIS-<SQLCODE>. A missing
   * table is recognised by SQLCODE -30 or by its text: the SQLCODE of a failed %Prepare comes from
   * %Exception.StatusException.AsSQLCODE(), whose mapping of a %Status to -30 is not documented.
   */
  readonly code: string;
  constructor(sqlcode: number, message: string) {
    super(`IRIS SQLCODE ${sqlcode}: ${message}`);
    this.name = 'IrisSqlError';
    this.sqlcode = sqlcode;
    this.code = sqlcode === SQLCODE_TABLE_NOT_FOUND || readsAsMissingTable(message) ? '42P01' : `IRIS${sqlcode}`;
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
  if (readsAsMissingTable(msg)) return Object.assign(new Error(msg, { cause: err }), { code: '42P01' });
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
