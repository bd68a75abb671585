import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { merge } from '../lib/pipeline/merge.js';

/** `make merge STORES="a.sqlite b.sqlite" OUT=merged.sqlite` — see lib/pipeline/merge.ts. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('merge', argv, merge);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
