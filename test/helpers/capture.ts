import { vi } from 'vitest';

/** Run `fn` while capturing what it writes to stderr and stdout (still returns fn's result). */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const result = await fn();
    return { result, stderr, stdout };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}
