import { z } from 'zod';

export const pgliteOptionsSchema = z
  .object({
    /** PGlite data directory (relative to the project root). Shared with pglite-wire. */
    data_dir: z.string().min(1).default('data/pglite'),
  })
  .strict();
