import { z } from 'zod';
import { queryModeOption } from '../query-mode.js';

export const pgliteWireOptionsSchema = z
  .object({
    /** Same data directory as the pglite target: both must open one PGlite instance. */
    data_dir: z.string().min(1).default('data/pglite'),
    /** Address the in-process pglite-socket server listens on; pg connects to it. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port, chosen when the server starts. */
    port: z.number().int().min(0).max(65535).default(0),
    /** Seconds to wait for the connection before declaring the target unavailable. */
    connect_timeout_s: z.number().positive().max(600).default(10),
    query_mode: queryModeOption,
  })
  .strict();
