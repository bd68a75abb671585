import { z } from 'zod';

export const pgliteOptionsSchema = z
  .object({
    data_dir: z.string().min(1).default('data/pglite').describe('PGlite data directory (relative to the project root). Shared with pglite-wire: one engine.'),
  })
  .strict()
  .describe(
    'PGlite (PostgreSQL + pgvector compiled to WebAssembly) in the measuring process, called directly: no wire, no socket.',
  );
