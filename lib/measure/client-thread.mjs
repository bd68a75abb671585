// Worker entry in plain JavaScript (as lib/workload/ground-truth-worker.mjs): Node 20 cannot start a
// worker from a .ts file. Compiled by `make build`, the client thread sits beside this file as .js
// and is loaded directly; run from the sources (tests, tsx), this registers tsx inside the worker first.
import { existsSync } from 'node:fs';

const compiled = new URL('./client-thread.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./client-thread.ts');
}
