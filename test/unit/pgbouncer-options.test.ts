import { describe, expect, it } from 'vitest';
import { postgresOptionsSchema } from '../../lib/targets/postgres/options.js';
import { queryModeUnsupported } from '../../lib/targets/postgres/pgbouncer.js';
import { target } from '../../lib/targets/postgres/index.js';

/** Issue 16, item 2: what a PgBouncer instance can run, and which database it holds. */
const opts = (o: Record<string, unknown>) => postgresOptionsSchema.parse(o);

describe('postgres via pgbouncer', () => {
  it('prepared statements under transaction pooling need PgBouncer ≥ 1.21; session pooling and other modes always run', () => {
    const bouncer = opts({ via: 'pgbouncer', query_mode: 'prepared' });
    expect(queryModeUnsupported(bouncer, '1.18.0')).toMatch(/^query_mode prepared: not supported on this path — PgBouncer 1\.18\.0 with pool_mode transaction .*≥ 1\.21/);
    expect(queryModeUnsupported(bouncer, null)).toMatch(/version unknown/);
    expect(queryModeUnsupported(opts({ via: 'pgbouncer', query_mode: 'prepared', pgbouncer: { pool_mode: 'statement' } }), '1.20.1')).toMatch(/pool_mode statement/);
    expect(queryModeUnsupported(bouncer, '1.21.0')).toBeUndefined();
    expect(queryModeUnsupported(bouncer, '2.0')).toBeUndefined();
    expect(queryModeUnsupported(opts({ via: 'pgbouncer', query_mode: 'prepared', pgbouncer: { pool_mode: 'session' } }), '1.18.0')).toBeUndefined();
    expect(queryModeUnsupported(opts({ via: 'pgbouncer', query_mode: 'extended' }), '1.18.0')).toBeUndefined();
    expect(queryModeUnsupported(opts({ query_mode: 'prepared' }), '1.18.0')).toBeUndefined();
  });

  it('a bouncer instance holds the database of the server behind it: it shares a direct instance\'s seed', () => {
    const key = (o: Record<string, unknown>) => target.databaseKey({ options: opts(o), root: '/' });
    expect(key({ via: 'pgbouncer', port: 6432, pgbouncer: { server_port: 5433 } })).toBe(key({ port: 5433 }));
    expect(key({ via: 'pgbouncer', port: 6432, pgbouncer: { server_port: 5434 } })).not.toBe(key({ port: 5433 }));
  });

  it('unknown pgbouncer keys are refused', () => {
    expect(() => opts({ via: 'pgbouncer', pgbouncer: { poolmode: 'session' } })).toThrow(/poolmode/);
  });
});
