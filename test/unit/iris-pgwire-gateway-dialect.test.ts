import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QUERY_STEPS, bindFor, numberPlaceholders, queryVars } from '../../lib/targets/bind.js';
import { irisPgwireModule } from '../../lib/targets/iris-pgwire/index.js';
import { GATEWAY_UNSUPPORTED, pgvectorGatewayBindOrder, pgvectorGatewayDialect } from '../../lib/targets/iris-pgwire/pgvector-gateway-dialect.js';
import { pgvectorDialect } from '../../lib/targets/pgvector-sql/dialect.js';
import { CATALOGUE, QUERIES, QUERY_IDS, type QueryTemplate } from '../../lib/workload/queries.js';
import { GATEWAY_LIMIT, gatewayForward, gatewayParameters } from '../helpers/iris-pgwire-rules.js';

/**
 * The measured statements of iris-pgwire, checked against the gateway's own rewrite rules
 * (re-implemented from its source in test/helpers/iris-pgwire-rules.ts), and recorded as a
 * reviewed golden list: test/golden/iris-pgwire-statements.txt (PB_UPDATE_GOLDEN=1 rewrites it;
 * review the diff). Nothing here talks to a gateway.
 */
const K = 5;
const VARS = queryVars({ vector_dims: 4, k: K });
const gateway = { dialect: pgvectorGatewayDialect, bindOrder: pgvectorGatewayBindOrder };
const iris = irisPgwireModule('iris');
const pgv = irisPgwireModule('pgvector');

/** Catalogue parameters of `q` named by kind: the vector as the text the path binds. */
function logical(q: QueryTemplate, vector: unknown): unknown[] {
  const values: Record<QueryTemplate['params'][number], unknown> = {
    query_vector: vector, new_vector: vector, k: K, row_id: 42, new_row_id: 10_001, label: 'vector_42', new_label: 'written-7', category: 'category_3',
    row_label: 'vector_42', row_category: 'category_2', row_created_at: '2025-01-01 00:00:42',
  };
  return q.params.map((kind) => values[kind]);
}

describe('iris-pgwire dialect pgvector: the measured statements in the form the gateway translates', () => {
  it('reuses the shared pgvector text where it already has that form, and overrides exactly the kNN queries', () => {
    const same = QUERY_IDS.filter((id) => pgvectorGatewayDialect[id] === pgvectorDialect[id]);
    // …and the write queries: a PostgreSQL application sends exactly the shared text.
    expect(same).toEqual(['simple_select_all', 'simple_select_id', 'simple_count', 'join', 'insert_one', 'update_metadata', 'delete_insert']);
  });

  it.each([...QUERY_IDS])('%s: each $n once, numbered in order of appearance, no `?`, no `::`', (id) => {
    const sql = bindFor(gateway, id, logical(CATALOGUE.find((q) => q.id === id)!, '[1,0,0,0]'), VARS).sql;
    const numbers = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(sql).not.toMatch(/\?|::/);
  });

  it.each([...QUERY_IDS])('%s: the gateway\'s $n → ? rewrite leaves exactly one `?` per bound parameter', (id) => {
    const q = CATALOGUE.find((x) => x.id === id)!;
    const params = logical(q, '[1,0,0,0]');
    // A query of several statements (delete_insert): each statement with its own parameters.
    const steps = QUERY_STEPS[id] ?? [{ statement: id, params: params.map((_, i) => i) }];
    for (const s of steps) {
      const call = bindFor(gateway, s.statement, s.params.map((i) => params[i]), VARS);
      expect(gatewayParameters(call.sql).split('?').length - 1, s.statement).toBe(call.params.length);
    }
  });

  it('the shared pgvector dialect would not survive that rewrite: its kNN queries reuse $1 (the audit finding)', () => {
    const broken = QUERIES.filter((q) => {
      const call = bindFor({ dialect: pgvectorDialect }, q.id, logical(q, '[1,0,0,0]'), VARS);
      return gatewayParameters(call.sql).split('?').length - 1 !== call.params.length;
    }).map((q) => q.id);
    expect(broken).toEqual(['vector_cosine', 'vector_l2', 'vector_inner_product', 'vector_filter']);
  });

  it('every LIMIT is a literal at the end, the form the gateway turns into TOP; `LIMIT $2` is not', () => {
    for (const id of QUERY_IDS) {
      const sql = bindFor(gateway, id, logical(CATALOGUE.find((q) => q.id === id)!, 'v'), VARS).sql;
      if (/\bLIMIT\b/i.test(sql)) expect(GATEWAY_LIMIT.test(gatewayParameters(sql)), id).toBe(true);
    }
    expect(GATEWAY_LIMIT.test(gatewayParameters(pgvectorDialect.vector_cosine))).toBe(false);
    expect(bindFor(gateway, 'vector_cosine', ['v', K], VARS).sql).toMatch(/ LIMIT 5$/);
  });

  it('binds the vector twice where the statement uses it twice, never k, and only text (never vector_send bytes)', () => {
    const v = pgv.encodeVector(Float32Array.of(0.5, -0.25), 'binary');
    expect(v).toBe('[0.5,-0.25]');
    expect(bindFor(gateway, 'vector_cosine', [v, K], VARS).params).toEqual([v, v]);
    expect(bindFor(gateway, 'vector_filter', [v, 'category_3', K], VARS).params).toEqual([v, 'category_3', v]);
    for (const q of QUERIES) for (const p of bindFor(gateway, q.id, logical(q, v), VARS).params) expect(typeof p === 'string' || typeof p === 'number', q.id).toBe(true);
  });

  it('declares exactly the queries the gateway rewrites into something IRIS cannot run for this table', () => {
    const forwarded = Object.fromEntries(QUERY_IDS.map((id) => [id, gatewayForward(bindFor(gateway, id, logical(CATALOGUE.find((q) => q.id === id)!, 'v'), VARS).sql)]));
    const doubleOrL2 = QUERY_IDS.filter((id) => forwarded[id]!.l2Rejected || forwarded[id]!.sql.includes('DOUBLE'));
    // delete_insert is two plain statements now (QUERY_STEPS): not declared; the probe finds out.
    expect(Object.keys(GATEWAY_UNSUPPORTED).sort()).toEqual(doubleOrL2.sort());
    expect(forwarded.vector_l2!.l2Rejected).toBe(true);
    // <#> keeps pgvector's sign; <=> becomes a similarity still ordered ascending (farthest first)
    expect(forwarded.vector_inner_product!.sql).toBe(
      'SELECT TOP 5 id, ((-VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, DOUBLE)))) * -1 AS inner_product FROM benchmark_vectors ORDER BY (-VECTOR_DOT_PRODUCT(embedding, TO_VECTOR(?, DOUBLE)))',
    );
    expect(forwarded.vector_cosine!.sql).toMatch(/ORDER BY VECTOR_COSINE\(embedding, TO_VECTOR\(\?, DOUBLE\)\)$/);
  });
});

/** The reviewed list: per mode and measured query, what pg sends, bound to what, and what reaches IRIS. */
function statementList(): string {
  const out: string[] = [
    '# iris-pgwire: the measured statements as pg sends them (k = 5 and dims = 4 filled in), the',
    '# catalogue parameter behind each placeholder, and what the gateway forwards to IRIS by its own',
    '# rules (test/helpers/iris-pgwire-rules.ts, re-implemented from iris-pgwire 54d8128).',
    '# Generated by test/unit/iris-pgwire-gateway-dialect.test.ts; PB_UPDATE_GOLDEN=1 rewrites it. Review the diff.',
  ];
  for (const [mode, module] of [['iris', iris], ['pgvector', pgv]] as const) {
    out.push('', `## dialect: ${mode}`);
    for (const q of QUERIES) {
      const names = q.params.map((p, i) => `${p}#${i}`);
      const call = bindFor(module, q.id, names, VARS);
      // iris mode: the session numbers IRIS's `?` before sending (irisOverPgSession).
      const sent = mode === 'iris' ? numberPlaceholders(call.sql) : call.sql;
      const fwd = gatewayForward(sent);
      out.push('', `### ${q.id}`, 'sent:', sent, `binds: ${call.params.length ? call.params.map((p, i) => `$${i + 1} = ${String(p).replace(/#\d+$/, '')}`).join(', ') : '(none)'}`);
      out.push(fwd.l2Rejected ? 'to IRIS (untranslated: the gateway rejects <->):' : 'to IRIS:', fwd.sql);
      const declared = module.capabilities.unsupportedQueries?.[q.id];
      if (declared) out.push(`expected not supported on this path: ${declared}`);
    }
  }
  return out.join('\n') + '\n';
}

describe('golden statement list of both iris-pgwire dialects', () => {
  const file = fileURLToPath(new URL('../golden/iris-pgwire-statements.txt', import.meta.url));

  it('matches the reviewed file', async () => {
    const text = statementList();
    if (process.env.PB_UPDATE_GOLDEN === '1') await writeFile(file, text);
    expect(text).toBe(await readFile(file, 'utf8'));
  });

  it('in both modes the `?` IRIS receives match the parameters bound, one for one', () => {
    for (const module of [iris, pgv]) {
      for (const q of QUERIES) {
        const call = bindFor(module, q.id, logical(q, 'v'), VARS);
        const sent = module === iris ? numberPlaceholders(call.sql) : call.sql;
        expect(gatewayParameters(sent).split('?').length - 1, q.id).toBe(call.params.length);
      }
    }
  });
});
