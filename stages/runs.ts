import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { runs } from '../lib/pipeline/runs.js';

/** `make runs` — every run in the store as a table; see lib/pipeline/runs.ts. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('runs', argv, runs);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
