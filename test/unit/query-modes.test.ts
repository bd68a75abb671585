import { describe, expect, it } from 'vitest';
import { callFor } from '../../lib/measure/prepare.js';
import { pathModes, queryModeTableLines } from '../../lib/render/query-mode-report.js';
import type { ReportData } from '../../lib/render/report-data.js';
import { queryModeOf, statementName } from '../../lib/targets/query-mode.js';
import { dollarPlaceholders, inlineParams, sqlLiteral } from '../../lib/targets/sql-literals.js';
import { postgresOptionsSchema } from '../../lib/targets/postgres/options.js';
import { irisPgwireOptionsSchema } from '../../lib/targets/iris-pgwire/options.js';
import { pgliteWireOptionsSchema } from '../../lib/targets/pglite-wire/options.js';

describe('SQL literals for the simple query mode', () => {
  it('quotes strings so that no quote, backslash or comment can escape the literal', () => {
    expect(sqlLiteral("it's", 'postgres')).toBe("'it''s'");
    expect(sqlLiteral("it's", 'standard')).toBe("'it''s'");
    // node-postgres's escapeLiteral: an escape string with the backslash doubled (right under either standard_conforming_strings).
    expect(sqlLiteral('a\\b', 'postgres')).toBe(" E'a\\\\b'");
    // IRIS SQL: backslash is an ordinary character.
    expect(sqlLiteral('a\\b', 'standard')).toBe("'a\\b'");
    expect(sqlLiteral("x'; DROP TABLE t; --", 'standard')).toBe("'x''; DROP TABLE t; --'");
    expect(sqlLiteral('', 'postgres')).toBe("''");
  });

  it('renders numbers exactly, parenthesises negatives, and refuses what no literal can carry', () => {
    expect(sqlLiteral(42, 'postgres')).toBe('42');
    expect(sqlLiteral(-5, 'postgres')).toBe('(-5)');
    expect(sqlLiteral(0.1, 'standard')).toBe('0.1');
    expect(sqlLiteral(1e-7, 'standard')).toBe('1e-7');
    expect(sqlLiteral(12n, 'postgres')).toBe('12');
    expect(sqlLiteral(-12n, 'postgres')).toBe('(-12)');
    expect(sqlLiteral(true, 'postgres')).toBe('TRUE');
    expect(sqlLiteral(null, 'postgres')).toBe('NULL');
    expect(sqlLiteral(undefined, 'standard')).toBe('NULL');
    expect(() => sqlLiteral(Number.NaN, 'postgres')).toThrow(/NaN/);
    expect(() => sqlLiteral(Number.POSITIVE_INFINITY, 'postgres')).toThrow(/Infinity/);
    expect(() => sqlLiteral('a\0b', 'postgres')).toThrow(/NUL/);
    expect(() => sqlLiteral(Buffer.from([1, 2]), 'postgres')).toThrow(/binary parameter/);
    expect(() => sqlLiteral({}, 'postgres')).toThrow(/no SQL literal/);
  });

  it('finds $n outside literals, quoted identifiers and comments, and not inside other tokens', () => {
    const sql = `SELECT '$1', "$2", $1 -- $3\n /* $4 */ , x$1, $$, $10 FROM t`;
    expect(dollarPlaceholders(sql).map((m) => m.n)).toEqual([1, 10]);
  });

  it('inlines a repeated $n each time, and ? in order of appearance', () => {
    expect(inlineParams('SELECT id, e <=> $1 FROM t ORDER BY e <=> $1 LIMIT $2', ['[1,2]', 5], 'dollar', 'postgres')).toBe(
      "SELECT id, e <=> '[1,2]' FROM t ORDER BY e <=> '[1,2]' LIMIT 5",
    );
    expect(inlineParams("SELECT TOP 5 id FROM t WHERE c = ? AND l = '?' AND x = TO_VECTOR(?, FLOAT, 2)", ['c1', '1,2'], 'question', 'standard')).toBe(
      "SELECT TOP 5 id FROM t WHERE c = 'c1' AND l = '?' AND x = TO_VECTOR('1,2', FLOAT, 2)",
    );
  });

  it('says so when placeholders and parameters do not match', () => {
    expect(() => inlineParams('SELECT $2', [1], 'dollar', 'postgres')).toThrow(/\$2 has no parameter/);
    expect(() => inlineParams('SELECT $1', [1, 2], 'dollar', 'postgres')).toThrow(/2 parameters bound but 1 used/);
    expect(() => inlineParams('SELECT ?, ?', [1], 'question', 'standard')).toThrow(/has no parameter/);
  });
});

describe('query_mode option', () => {
  it('defaults to extended on every pg-driven target and refuses anything else, naming the field', () => {
    expect(postgresOptionsSchema.parse({}).query_mode).toBe('extended');
    expect(pgliteWireOptionsSchema.parse({}).query_mode).toBe('extended');
    expect(irisPgwireOptionsSchema.parse({}).query_mode).toBe('extended');
    const r = postgresOptionsSchema.safeParse({ query_mode: 'fast' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['query_mode']);
    expect(r.error!.issues[0]!.message).toMatch(/simple.*extended.*prepared/);
  });

  it('applies only to targets that declare wireQueryModes', () => {
    const wire = { module: { capabilities: { wireQueryModes: { placeholders: 'dollar', literals: 'postgres' } } }, ctx: { options: { query_mode: 'simple' } } };
    expect(queryModeOf(wire)).toBe('simple');
    expect(queryModeOf({ module: { capabilities: {} }, ctx: { options: { query_mode: 'simple' } } })).toBeUndefined();
  });

  it('renders the call once, before timing, only in the simple mode', () => {
    const caps = { wireQueryModes: { placeholders: 'dollar' as const, literals: 'postgres' as const } };
    const t = (mode: string) => ({ module: { capabilities: caps }, ctx: { options: { query_mode: mode } } }) as unknown as Parameters<typeof callFor>[0];
    const bound = { sql: 'SELECT id FROM t WHERE label = $1', params: ['label_3'] };
    expect(callFor(t('simple'), bound)).toEqual({ sql: "SELECT id FROM t WHERE label = 'label_3'", params: [] });
    expect(callFor(t('extended'), bound)).toBe(bound);
    expect(callFor(t('prepared'), bound)).toBe(bound);
  });

  it('names a prepared statement by its text alone', () => {
    expect(statementName('SELECT 1')).toBe(statementName('SELECT 1'));
    expect(statementName('SELECT 1')).not.toBe(statementName('SELECT 2'));
    expect(statementName('SELECT 1')).toMatch(/^pb_[0-9a-f]{16}$/);
  });
});

describe('query mode in the report', () => {
  const data = (targets: Record<string, Record<string, unknown>>) =>
    ({ environment: { targets }, run: { targets_json: JSON.stringify(Object.keys(targets)) } }) as unknown as ReportData;

  it('prints one line per pg-driven path, and the gateway double execution where it applies', () => {
    const lines = queryModeTableLines(data({ postgres: { query_mode: 'prepared' }, pglite: {}, 'iris-pgwire': { gateway: 'iris-pgwire', query_mode: 'extended' } }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^query mode: postgres: prepared \(named statements/);
    expect(lines[1]).toMatch(/^query mode: iris-pgwire: extended .* NOTE: the gateway executes every SELECT twice/);
    const simple = pathModes(data({ 'iris-pgwire': { gateway: 'iris-pgwire', query_mode: 'simple' } }));
    expect(simple).toEqual([{ target: 'iris-pgwire', mode: 'simple', note: null }]);
  });

  it('prints nothing for a run recorded before query modes existed', () => {
    expect(queryModeTableLines(data({ postgres: { driver: 'pg 8.16.3' } }))).toEqual([]);
  });
});
