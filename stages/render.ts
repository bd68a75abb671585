import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { render } from '../lib/pipeline/render.js';

/** `make render` — see lib/pipeline/render.ts for what this stage reads and writes. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('render', argv, render);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
