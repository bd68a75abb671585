import { z } from 'zod';
import { queryModeOption } from '../query-mode.js';

export const pgliteWireOptionsSchema = z
  .object({
    data_dir: z.string().min(1).default('data/pglite').describe('Same data directory as the pglite target: both must open one PGlite instance.'),
    host: z.string().min(1).default('127.0.0.1').describe('Address the in-process pglite-socket server listens on; pg connects to it.'),
    port: z.number().int().min(0).max(65535).default(0).describe('Port of the pglite-socket server; 0 = any free port, chosen when the server starts.'),
    connect_timeout_s: z.number().positive().max(600).default(10).describe('Seconds to wait for the connection before declaring the target unavailable.'),
    query_mode: queryModeOption,
  })
  .strict()
  .describe(
    'The same PGlite engine behind a PostgreSQL-wire socket (pglite-socket, in the measuring process), queried with `pg` over loopback TCP: the embedded analogue of a gateway.',
  );
