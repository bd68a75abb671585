import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { provision } from '../lib/pipeline/provision.js';

/** `make provision` — see lib/pipeline/provision.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('provision', argv, provision);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
