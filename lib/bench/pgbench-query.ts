import { QUERIES, type ParamKind, type QueryTemplate } from '../workload/queries.js';
import { PGBENCH_PARAMS } from './pgbench-script.js';

/**
 * A catalogue query named on the command line of a script that also runs it through pgbench
 * (`make bench-peers --queries`, `make bench-client --query`). Returns the template, or undefined
 * after adding to `problems` (ScriptFlags' list, reported together) what is wrong, naming the flag:
 * an unknown id, or a parameter the pgbench scripts (lib/bench/pgbench-script.ts) cannot draw,
 * such as vector_filter's category.
 */
export function pgbenchQuery(flag: string, id: string, problems: string[]): QueryTemplate | undefined {
  const query = QUERIES.find((q) => q.id === id);
  if (!query) {
    problems.push(`--${flag}: unknown query "${id}"; known: ${QUERIES.map((q) => q.id).join(', ')}`);
    return undefined;
  }
  const uncovered = query.params.find((p) => !(PGBENCH_PARAMS as readonly ParamKind[]).includes(p));
  if (uncovered) {
    problems.push(`--${flag}: ${id} binds a ${uncovered}, which the pgbench scripts do not cover`);
    return undefined;
  }
  return query;
}
