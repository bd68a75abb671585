import { QUERY_MODES, queryModeText, type QueryMode } from '../targets/query-mode.js';
import { targetOrder, type ReportData } from './report-data.js';

/**
 * The statement protocol each pg-driven path ran with (lib/targets/query-mode.ts), from the run's
 * environment (`targets.<id>.query_mode`, recorded by measure). Runs recorded before query modes
 * existed have no such entry: nothing is printed for them, so their reports stay byte-identical.
 */
export interface PathMode {
  target: string;
  mode: QueryMode;
  /** A fact of the path that changes what its figures mean, or null. */
  note: string | null;
}

/**
 * The iris-pgwire gateway answers node-postgres's Describe (portal), sent before every Execute in
 * the extended and prepared modes, by running the SELECT to learn its columns, then runs it again
 * on Execute (src/iris_pgwire/protocol.py, handle_describe_message, describe type "P"; commit
 * 54d8128). The simple mode sends one Query message: one execution.
 */
export const GATEWAY_DOUBLE_EXECUTION =
  'the gateway executes every SELECT twice in this mode: once to answer Describe (portal), once on Execute (iris-pgwire protocol.py, handle_describe_message); query_mode simple executes it once';

export function pathModes(d: ReportData): PathMode[] {
  const targets = (d.environment as { targets?: Record<string, Record<string, unknown>> }).targets ?? {};
  return targetOrder(d).flatMap((t) => {
    const env = targets[t];
    const mode = env?.query_mode;
    if (!(QUERY_MODES as readonly unknown[]).includes(mode)) return [];
    const gateway = env?.gateway === 'iris-pgwire' && mode !== 'simple';
    return [{ target: t, mode: mode as QueryMode, note: gateway ? GATEWAY_DOUBLE_EXECUTION : null }];
  });
}

/** Header lines of table.txt: one per pg-driven path; none for a run that recorded no mode. */
export function queryModeTableLines(d: ReportData): string[] {
  return pathModes(d).map((p) => `query mode: ${p.target}: ${queryModeText(p.mode)}${p.note ? ` — NOTE: ${p.note}` : ''}`);
}
