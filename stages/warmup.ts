import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { warmup } from '../lib/pipeline/warmup.js';

/** `make warmup` — see lib/pipeline/warmup.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('warmup', argv, warmup);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
