import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { aggregate } from '../lib/pipeline/aggregate.js';

/** `make aggregate` — see lib/pipeline/aggregate.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('aggregate', argv, aggregate);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
