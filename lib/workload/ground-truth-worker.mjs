// Worker entry in plain JavaScript: Node 20 cannot start a worker from a .ts file even when the
// parent runs under tsx. Compiled by `make build`, the job sits beside this file as .js and is
// loaded directly; run from the sources, this registers tsx inside the worker and loads the .ts.
import { existsSync } from 'node:fs';

const compiled = new URL('./ground-truth-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./ground-truth-worker.ts');
}
