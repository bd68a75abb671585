import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { report } from '../lib/pipeline/report.js';

/** `make report RUN=<id>` — re-render a past run offline; see lib/pipeline/report.ts. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => runStage('report', argv, report);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
