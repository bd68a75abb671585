import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { validate } from '../lib/pipeline/validate.js';

/** `make validate` — see lib/pipeline/validate.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('validate', argv, validate);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
