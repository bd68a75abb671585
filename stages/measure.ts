import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { measure } from '../lib/pipeline/measure.js';

/** `make measure` — see lib/pipeline/measure.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('measure', argv, measure);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
