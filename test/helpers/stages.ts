import { expect } from 'vitest';
import { captureOutput } from './capture.js';

type Stage = (argv: string[]) => Promise<number>;

/** Run stages in order, in process, asserting each exits 0 (its stderr is the failure message). */
export async function expectStagesOk(argv: string[], stages: readonly Stage[]): Promise<void> {
  for (const stage of stages) {
    const { result, stderr } = await captureOutput(() => stage(argv));
    expect(result, stderr).toBe(0);
  }
}
