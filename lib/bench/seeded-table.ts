import type pg from 'pg';
import { ExitCode, PathbenchError, errorText } from '../errors.js';
import type { PostgresOptions } from '../targets/postgres/options.js';

/**
 * The rows of the benchmark table a bench script reads (it never writes): a missing table, or a
 * row count other than the profile's dataset_size, is a usage error (exit 2) that says to seed
 * with that profile first. `config` is the profile's path as the user gave it; `script` names the
 * caller in messages.
 */
export async function seededRows(client: Pick<pg.Client, 'query'>, o: PostgresOptions, datasetSize: number, config: string, script: string): Promise<number> {
  const r = await client.query('SELECT count(*)::int AS n FROM benchmark_vectors').catch((err: unknown) => {
    throw new PathbenchError(`${script}: ${o.database} at ${o.host}:${o.port} holds no benchmark table (${errorText(err)}); run make seed CONFIG=${config} first`, ExitCode.usage);
  });
  const rows = Number(r.rows[0].n);
  if (rows !== datasetSize) throw new PathbenchError(`${script}: benchmark_vectors holds ${rows} rows, ${config} says dataset_size ${datasetSize}; run make seed CONFIG=${config}`, ExitCode.usage);
  return rows;
}
