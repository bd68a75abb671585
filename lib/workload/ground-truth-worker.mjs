// Worker entry in plain JavaScript: Node 20 cannot start a worker from a .ts file even when the
// parent runs under tsx, so this registers tsx inside the worker and then loads the TypeScript job.
import { register } from 'tsx/esm/api';

register();
await import('./ground-truth-worker.ts');
