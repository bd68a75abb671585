import { describe, expect, it } from 'vitest';
import { pgbenchEnv, runPgbench } from '../../lib/bench/pgbench-process.js';
import { pgbenchQuery } from '../../lib/bench/pgbench-query.js';
import { pgbenchScripts } from '../../lib/bench/pgbench-script.js';
import { seededRows } from '../../lib/bench/seeded-table.js';
import { PathbenchError } from '../../lib/errors.js';
import { dialect } from '../../lib/targets/postgres/dialect.js';
import { postgresOptionsSchema } from '../../lib/targets/postgres/options.js';
import { QUERIES } from '../../lib/workload/queries.js';

const options = (o: Record<string, unknown> = {}) => postgresOptionsSchema.parse({ provision: 'existing', host: 'db.example', port: 6543, user: 'bench', database: 'b', password_env: 'PB_TEST_NO_SUCH_VAR', ...o });

describe('pgbenchQuery', () => {
  it('returns the template of a query the pgbench scripts can draw, with no problem', () => {
    const problems: string[] = [];
    expect(pgbenchQuery('query', 'join', problems)?.id).toBe('join');
    expect(problems).toEqual([]);
  });
  it('names the flag and the problem: an unknown id, a parameter pgbench cannot draw', () => {
    const problems: string[] = [];
    expect(pgbenchQuery('queries', 'nope', problems)).toBeUndefined();
    expect(pgbenchQuery('query', 'vector_filter', problems)).toBeUndefined();
    expect(problems[0]).toMatch(/^--queries: unknown query "nope"; known: simple_select_all, /);
    expect(problems[1]).toBe('--query: vector_filter binds a category, which the pgbench scripts do not cover');
  });
  it('accepts exactly the catalogue queries whose scripts pgbenchScripts can write', () => {
    for (const q of QUERIES) {
      const accepted = pgbenchQuery('q', q.id, []) !== undefined;
      const writes = (() => {
        try {
          pgbenchScripts(q, dialect[q.id]!, 'prepared', { datasetSize: 10, k: 5, pool: ['[1,2]'] });
          return true;
        } catch {
          return false;
        }
      })();
      expect(accepted, q.id).toBe(writes);
    }
  });
});

describe('pgbench as a process', () => {
  it("libpq's environment names the server, sets ef_search per connection, and carries a password only when there is one", () => {
    const env = pgbenchEnv(options(), 40, 'pathbench-test');
    expect(env).toMatchObject({ PGHOST: 'db.example', PGPORT: '6543', PGUSER: 'bench', PGDATABASE: 'b', PGOPTIONS: '-c hnsw.ef_search=40', PGAPPNAME: 'pathbench-test' });
    expect(env.PGPASSWORD).toBe(process.env.PGPASSWORD);
    expect(pgbenchEnv(options({ password: 's3cret' }), 40, 'x').PGPASSWORD).toBe('s3cret');
  });
  const run = { env: process.env, cwd: process.cwd(), script: 'bench-test' };
  it('resolves with stdout and stderr together', async () => {
    // Two pipes: which arrives first is up to the event loop.
    expect((await runPgbench('sh', ['-c', 'echo out; echo err >&2'], run)).split('\n').sort()).toEqual(['', 'err', 'out']);
  });
  it('rejects a non-zero exit with its code and last three lines', async () => {
    await expect(runPgbench('sh', ['-c', 'printf "1\\n2\\n3\\n4\\n"; exit 4'], run)).rejects.toThrow(/^sh exited with 4: 2 \| 3 \| 4$/);
  });
  it('a binary that cannot start is exit 3, naming the script and what to install', async () => {
    const err = await runPgbench('/nonexistent/pgbench', ['--version'], run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PathbenchError);
    expect((err as PathbenchError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/^bench-test: cannot run \/nonexistent\/pgbench \(.*ENOENT.*\); install PostgreSQL's client tools \(Debian: postgresql-client\) or pass --pgbench$/);
  });
});

describe('seededRows', () => {
  const client = (reply: () => Promise<unknown>) => ({ query: reply }) as unknown as Parameters<typeof seededRows>[0];
  it("returns the table's row count when it is the profile's dataset_size", async () => {
    expect(await seededRows(client(async () => ({ rows: [{ n: 300 }] })), options(), 300, 'config/x.yaml', 'bench-test')).toBe(300);
  });
  it('a missing table or another row count is a usage error saying to seed with that profile', async () => {
    const missing = await seededRows(client(async () => Promise.reject(new Error('relation "benchmark_vectors" does not exist'))), options(), 300, 'config/x.yaml', 'bench-test').catch((e: unknown) => e);
    expect((missing as PathbenchError).exitCode).toBe(2);
    expect((missing as Error).message).toBe('bench-test: b at db.example:6543 holds no benchmark table (relation "benchmark_vectors" does not exist); run make seed CONFIG=config/x.yaml first');
    const other = await seededRows(client(async () => ({ rows: [{ n: 12 }] })), options(), 300, 'config/x.yaml', 'bench-test').catch((e: unknown) => e);
    expect((other as PathbenchError).exitCode).toBe(2);
    expect((other as Error).message).toBe('bench-test: benchmark_vectors holds 12 rows, config/x.yaml says dataset_size 300; run make seed CONFIG=config/x.yaml');
  });
});
