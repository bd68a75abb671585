import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { compare } from '../lib/pipeline/compare.js';

/** `make compare BASE=<run> HEAD=<run> [THRESHOLD=<pct>]` — see lib/pipeline/compare.ts. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('compare', argv, compare);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
