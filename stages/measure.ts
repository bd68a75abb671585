import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { dryRunListing } from '../lib/dry-run/dry-run.js';
import { measure } from '../lib/pipeline/measure.js';

/** `make measure` — see lib/pipeline/measure.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('measure', argv, measure, (config, root) => dryRunListing('measure', config, root));

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
