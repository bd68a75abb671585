// `make docs` (or `npm run docs`): regenerate docs/configuration.md and config/schema.json from the
// zod schemas (lib/docs/generate.ts). `--check` writes nothing and exits 1 when a committed file
// differs from a fresh generation (what test/unit/docs-generated.test.ts asserts).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENERATED_FILES, UndescribedKeysError, generateDocs } from '../lib/docs/generate.js';
import { PROJECT_ROOT } from '../lib/env/package-version.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
let docs;
try {
  docs = generateDocs();
} catch (err) {
  if (!(err instanceof UndescribedKeysError)) throw err;
  process.stderr.write(`docs: ${err.message}\n`);
  process.exit(1);
}
let stale = 0;
for (const file of GENERATED_FILES) {
  const path = join(PROJECT_ROOT, file);
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === docs[file]) continue;
  stale++;
  if (values.check) process.stderr.write(`docs: ${file} differs from a fresh generation; run \`make docs\` and commit it\n`);
  else {
    await writeFile(path, docs[file]);
    process.stdout.write(`docs: wrote ${file}\n`);
  }
}
if (values.check && stale) process.exit(1);
if (!stale) process.stdout.write(`docs: ${GENERATED_FILES.join(', ')} up to date\n`);
