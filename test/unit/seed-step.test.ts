import { describe, expect, it } from 'vitest';
import { SeedStepError, seedStepFailure } from '../../lib/pipeline/seed-step.js';

function pgError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('seedStepFailure', () => {
  it('an engine-internal error (SQLSTATE class XX) says so and asks for a re-run', () => {
    const text = seedStepFailure(new SeedStepError('pglite', 'building the HNSW index', pgError('index "x" contains corrupted page', 'XX002')));
    expect(text.split('\n')[0]).toBe('seed failed on pglite while building the HNSW index: index "x" contains corrupted page (XX002)');
    expect(text).toContain('SQLSTATE XX002 is an internal error of the database engine');
    expect(text).toContain('Re-run `make seed` (it drops and reloads pglite)');
  });

  it('any other error asks for its cause to be fixed first, and never blames the engine', () => {
    const text = seedStepFailure(new SeedStepError('postgres', 'loading the vectors', pgError('could not extend file: No space left on device', '53100')));
    expect(text.split('\n')[0]).toBe('seed failed on postgres while loading the vectors: could not extend file: No space left on device (53100)');
    expect(text).toContain('postgres holds no dataset marker now');
    expect(text).toContain('Fix the cause above, then re-run `make seed`');
    expect(text).not.toContain('internal error');
  });

  it('redacts a password inside the driver\'s text', () => {
    const text = seedStepFailure(new SeedStepError('postgres', 'creating the tables', new Error('connect postgres://bench:s3cret-pw@db/x failed')));
    expect(text).not.toContain('s3cret-pw');
  });
});
