import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { exportRun } from '../lib/pipeline/export.js';

/** `make export RUN=<id>` — a run's raw samples as CSV plus its aggregates; see lib/pipeline/export.ts. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('export', argv, exportRun);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
