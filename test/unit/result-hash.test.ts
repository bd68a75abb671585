import { describe, expect, it } from 'vitest';
import { canonicalValue, isoFromTimestampText, numberFromText, resultHash } from '../../lib/verify/result-hash.js';

/**
 * Golden pairs: the same answer as IRIS prints it (ObjectScript canonical numbers, $DOUBLE text,
 * ODBC-mode vectors without brackets — see lib/verify/result-hash.ts for the documentation) and as
 * PostgreSQL + pgvector prints it through pg. Each pair must hash equal; different answers must not.
 */
const GOLDEN: { what: string; iris: unknown[][]; pg: unknown[][] }[] = [
  { what: 'fractions without the integer zero', iris: [[1, '.5'], [2, '-.5']], pg: [[1, '0.5'], [2, '-0.5']] },
  { what: 'fractions as JSON numbers vs numeric text', iris: [[1, 0.5]], pg: [['1', '0.50']] },
  { what: 'a vector: IRIS ODBC text vs pgvector text', iris: [[7, '.5,-.25,1,-1.5']], pg: [['7', '[0.5,-0.25,1,-1.5]']] },
  { what: 'a float32 vector widened to a 19-digit $DOUBLE', iris: [[1, '.1000000014901161194,-.2000000029802322388,3']], pg: [[1, '[0.1,-0.2,3]']] },
  { what: 'exponents: IRIS E notation vs PostgreSQL e-07', iris: [[1, '1E-7'], [2, '1.0000000000000000209E-20'], [3, '-2.5E+30']], pg: [[1, '1e-07'], [2, '1e-20'], [3, '-2.5e+30']] },
  { what: 'an exponent inside a vector', iris: [[1, '1E-7,.5']], pg: [[1, '[1e-07,0.5]']] },
  { what: 'an exponent resolved by canonical form (3E-4 → .0003)', iris: [[1, '.0003']], pg: [[1, '0.0003']] },
  { what: 'negative zero', iris: [[1, '-0'], [2, '-0,.5']], pg: [[1, '0'], [2, '[0,0.5]']] },
  { what: '$DOUBLE specials vs float8 specials', iris: [['INF', '-INF', 'NAN']], pg: [['Infinity', '-Infinity', 'NaN']] },
  { what: 'integers as text and as numbers, bigint', iris: [[42, '7']], pg: [[42n, 7]] },
  { what: 'timestamps as Date', iris: [[new Date(Date.UTC(2025, 0, 1, 0, 0, 1))]], pg: [[new Date('2025-01-01T00:00:01Z')]] },
  // pg paths keep timestamps as the server's text (lib/targets/pg-session.ts); PGlite in process and iris-native give a Date.
  { what: 'a Date (iris-native) vs timestamptz text (PostgreSQL, PGlite over the wire)', iris: [[new Date(Date.UTC(2025, 0, 1, 0, 0, 1))]], pg: [['2025-01-01 00:00:01+00']] },
  { what: 'IRIS TIMESTAMP text through the gateway (no offset: UTC) vs timestamptz text', iris: [['2025-01-01 00:00:01']], pg: [['2025-01-01 00:00:01+00']] },
  { what: 'a session offset other than UTC names the same instant', iris: [['2025-01-01 00:00:01.250']], pg: [['2025-01-01 05:30:01.25+05:30']] },
  { what: 'labels untouched', iris: [[1, 'vector_1', 'category_1']], pg: [['1', 'vector_1', 'category_1']] },
];

describe('result hash: IRIS number text hashes equal to PostgreSQL\'s', () => {
  for (const g of GOLDEN) {
    it(g.what, () => {
      expect(resultHash(g.iris)).toBe(resultHash(g.pg));
    });
  }

  it('different answers still differ', () => {
    expect(resultHash([[1, '.5']])).not.toBe(resultHash([[1, '0.6']]));
    expect(resultHash([[1, '.5,.25']])).not.toBe(resultHash([[1, '[0.5,0.26]']]));
    expect(resultHash([[1, 'INF']])).not.toBe(resultHash([[1, '-Infinity']]));
    expect(resultHash([[1, 'NAN']])).not.toBe(resultHash([[1, null]]));
    expect(resultHash([[1, '.5,.25']])).not.toBe(resultHash([[1, '[0.5,0.25,0]']]));
    expect(resultHash([['2025-01-01 00:00:01+00']])).not.toBe(resultHash([['2025-01-01 00:00:01+01']]));
    expect(resultHash([['2025-01-01 00:00:01']])).not.toBe(resultHash([[new Date(Date.UTC(2025, 0, 1, 0, 0, 2))]]));
  });

  it('reads timestamp text as the instant a Date of it would hold, to the millisecond, and nothing else', () => {
    expect(isoFromTimestampText('2025-01-01 00:00:01+00')).toBe('2025-01-01T00:00:01.000Z');
    expect(isoFromTimestampText('2025-01-01 00:00:01')).toBe('2025-01-01T00:00:01.000Z');
    expect(isoFromTimestampText('2025-01-01T00:00:01Z')).toBe('2025-01-01T00:00:01.000Z');
    expect(isoFromTimestampText('2024-12-31 19:00:01.123456-05')).toBe('2025-01-01T00:00:01.123Z');
    expect(isoFromTimestampText('1900-01-01 00:00:00-00:19:32')).toBe('1900-01-01T00:19:32.000Z');
    expect(isoFromTimestampText('0050-03-01 00:00:00+00')).toBe('0050-03-01T00:00:00.000Z');
    for (const s of ['2025-01-01', 'vector_1', '2025-01-01 00:00', 'infinity', '2025-01-01 00:00:01 BC', '12025-01-01 00:00:01+00']) expect(isoFromTimestampText(s)).toBeUndefined();
  });

  it('reads every number form, and nothing else, as a number', () => {
    expect(['.5', '-.5', '0.5', '5.', '1E-7', '1e+20', '-0', '+3'].map(numberFromText)).toEqual([0.5, -0.5, 0.5, 5, 1e-7, 1e20, -0, 3]);
    expect(['INF', '-INF', 'Infinity', '-Infinity', 'NAN', 'NaN'].map(numberFromText)).toEqual([Infinity, -Infinity, Infinity, -Infinity, NaN, NaN]);
    for (const s of ['.', '-', '1.2.3', 'E5', '1E', 'category_1', '', '0x10', '1,5 apples']) expect(numberFromText(s)).toBeUndefined();
  });

  it('canonical values: vectors become arrays of 6-digit numbers, one unbracketed number stays a scalar', () => {
    expect(canonicalValue('.1000000014901161194,-.5')).toEqual([0.1, -0.5]);
    expect(canonicalValue('[0.1, -0.5]')).toEqual([0.1, -0.5]);
    expect(canonicalValue('[5]')).toEqual([5]);
    expect(canonicalValue('5')).toBe(5);
    expect(canonicalValue('-0')).toBe(0);
    expect(canonicalValue(Number.NaN)).toBe('NaN');
  });
});
