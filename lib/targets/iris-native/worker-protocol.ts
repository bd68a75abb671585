import type { CallTiming } from '../interface.js';
import { IrisSqlError } from '../iris-sql/errors.js';
import type { IrisNativeOptions } from './options.js';

/**
 * Messages between an iris-native session (worker-session.ts, main thread) and its worker thread
 * (session-worker.ts). One request in flight per session; ids increase. Bigints and Dates travel
 * by structured clone.
 */
export interface WorkerStart {
  root: string;
  options: IrisNativeOptions;
}

export type Request =
  | { id: number; op: 'query'; sql: string; params: readonly unknown[] }
  | { id: number; op: 'exec'; script: string }
  | { id: number; op: 'batch'; sql: string; rowsJson: string }
  | { id: number; op: 'close' };

/** An error as it crosses the thread boundary: an SQL error keeps its SQLCODE, anything else its text. */
export interface WireError {
  message: string;
  sqlcode?: number;
  /** Exit code of a PathbenchError (an SDK that is not installed: 3). */
  exitCode?: number;
}

export type Reply =
  | { type: 'ready'; sdk: string; api: string }
  | { type: 'failed'; error: WireError }
  | { type: 'done'; id: number; rows?: unknown[][]; rowCount?: number; timing?: CallTiming }
  | { type: 'error'; id: number; error: WireError; timing?: CallTiming };

export function toWire(err: unknown): WireError {
  if (err instanceof IrisSqlError) return { message: err.message.replace(/^IRIS SQLCODE -?\d+: /, ''), sqlcode: err.sqlcode };
  const exitCode = (err as { exitCode?: unknown })?.exitCode;
  const message = err instanceof Error ? err.message : String(err);
  return typeof exitCode === 'number' ? { message, exitCode } : { message };
}

export function fromWire(w: WireError): Error {
  return w.sqlcode === undefined ? new Error(w.message) : new IrisSqlError(w.sqlcode, w.message);
}
