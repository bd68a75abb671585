import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { isEntryPoint, runStage } from '../lib/cli/run-stage.js';
import { parseStageFlags } from '../lib/config/cli-flags.js';
import { ExitCode } from '../lib/errors.js';
import { merge } from '../lib/pipeline/merge.js';
import { copyStoreInto } from '../lib/store/copy-store.js';

/**
 * `make merge STORES="a.sqlite b.sqlite" OUT=merged.sqlite` — see lib/pipeline/merge.ts.
 * All or nothing: the merge is written into a temporary file beside --out (a copy of --out when
 * it exists), renamed onto --out only when the merge succeeded, and removed otherwise — so a
 * refused or failed merge leaves no new file, and a pre-existing --out exactly as it was.
 */
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
  let out: string | undefined;
  let tmp: string | undefined;
  const code = await runStage('merge', argv, merge, undefined, async (configured) => {
    out = configured;
    tmp = `${configured}.merging-${process.pid}`;
    await removeStoreFiles(tmp);
    if (existsSync(configured)) await copyStoreInto(configured, tmp);
    return tmp;
  });
  if (tmp === undefined || out === undefined) return code;
  if (code === ExitCode.ok) await rename(tmp, out);
  await removeStoreFiles(tmp);
  return code;
}

/** A store file and the WAL files SQLite may leave beside it. */
async function removeStoreFiles(file: string): Promise<void> {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) await rm(f, { force: true });
}

if (isEntryPoint(import.meta.url)) process.exitCode = await main();
