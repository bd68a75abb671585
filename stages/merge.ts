import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { parseStageFlags } from '../lib/config/cli-flags.js';
import { ExitCode } from '../lib/errors.js';
import { merge } from '../lib/pipeline/merge.js';

/** `make merge STORES="a.sqlite b.sqlite" OUT=merged.sqlite` — see lib/pipeline/merge.ts. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  // The output store is named on purpose: checked before runStage opens (and so creates) a store.
  let named = true;
  try {
    const f = parseStageFlags(argv);
    named = f.help || f.overrides.store !== undefined;
  } catch {
    // runStage reports flag errors
  }
  if (!named) {
    process.stderr.write('[merge] error: --out: give the store to write the merged run to (make merge STORES="a.sqlite b.sqlite" OUT=merged.sqlite)\n');
    return ExitCode.usage;
  }
  return runStage('merge', argv, merge);
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
