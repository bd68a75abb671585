import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { dryRunListing } from '../lib/dry-run/dry-run.js';
import { seed } from '../lib/pipeline/seed.js';

/** `make seed` — see lib/pipeline/seed.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('seed', argv, seed, (config, root) => dryRunListing('seed', config, root));

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
