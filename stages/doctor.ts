import { isEntryPoint } from '../lib/cli/run-stage.js';
import { doctor } from '../lib/doctor/doctor.js';

/** `make doctor` — checks every prerequisite of a profile (lib/doctor/doctor.ts); exit 0 when the run can start. */
export const main = (argv: string[] = process.argv.slice(2)): Promise<number> => doctor(argv);

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
