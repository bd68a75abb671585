import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config/load.js';
import { dryRunListing, type DryRunStage } from '../../lib/dry-run/dry-run.js';
import { bindLines, formatValue, placeholders } from '../../lib/dry-run/format.js';
import { statementIdOf } from '../../lib/dry-run/list-calls.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';
import { irisDialect } from '../../lib/targets/iris-sql/dialect.js';
import { vectorSendBytes } from '../../lib/targets/pgvector-sql/copy-binary.js';
import { main as measureMain } from '../../stages/measure.js';
import { main as seedMain } from '../../stages/seed.js';
import { main as warmupMain } from '../../stages/warmup.js';
import { captureOutput } from '../helpers/capture.js';

/**
 * Golden statement lists of `--dry-run` for config/three-way.yaml and its variant with iris-pgwire
 * `dialect: pgvector`: reviewed text files under test/fixtures/dry-run/. After a deliberate change
 * to a dialect, the bind order or the seed/measure sequence, regenerate them and review the diff:
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/dry-run.test.ts
 */
const THREE_WAY = resolve(PROJECT_ROOT, 'config/three-way.yaml');
const GOLDEN = resolve(PROJECT_ROOT, 'test/fixtures/dry-run');
const VARIANTS: Record<string, Record<string, unknown>> = {
  'three-way': {},
  'three-way-pgwire-pgvector': { 'target_options.iris-pgwire.dialect': 'pgvector' },
  // query_mode simple: the measured statements as sent, with IRIS / pgvector literals in place of the parameters.
  'three-way-simple': { 'target_options.iris-pgwire.query_mode': 'simple', 'target_options.postgres.query_mode': 'simple' },
  // writes: true — the write queries after the reads; IRIS SQL lists delete_insert as having no statement.
  'three-way-writes': { writes: true },
};

describe('--dry-run golden statement lists', () => {
  for (const [name, overrides] of Object.entries(VARIANTS)) {
    for (const stage of ['seed', 'measure'] as DryRunStage[]) {
      it(`${name} ${stage}`, async () => {
        const text = await dryRunListing(stage, await loadConfig(THREE_WAY, overrides), PROJECT_ROOT);
        const file = join(GOLDEN, `${name}.${stage}.sql`);
        if (process.env.UPDATE_GOLDEN === '1') {
          await mkdir(GOLDEN, { recursive: true });
          await writeFile(file, text);
        }
        expect(text).toBe(await readFile(file, 'utf8'));
      });
    }
  }
});

describe('--dry-run through the stage scripts', () => {
  it('prints the listing, exits 0 and neither opens the store nor connects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pathbench-dry-'));
    const store = join(dir, 'bench.sqlite');
    for (const [stage, main] of [['seed', seedMain], ['measure', measureMain]] as const) {
      // Nothing listens on these ports and no server is started: a connection attempt would fail the stage.
      const { result, stdout, stderr } = await captureOutput(() => main(['--config', THREE_WAY, '--store', store, '--dry-run']));
      expect(result, stderr).toBe(0);
      expect(stdout).toBe(await dryRunListing(stage, await loadConfig(THREE_WAY, { store }), PROJECT_ROOT));
    }
    expect(existsSync(store)).toBe(false);
  });

  it('states the JavaScript warmup of in-process engines, and only for them', async () => {
    const embedded = await dryRunListing('measure', await loadConfig(`${PROJECT_ROOT}/config/embedded.yaml`), PROJECT_ROOT);
    expect(embedded.match(/== pglite(-wire)?: measured queries: each sent 500–2,500 JavaScript warmup \(untimed, not stored; only the queries without a query vector, until their medians stop falling\) \+ at least/g)).toHaveLength(2);
    // The re-warm after each memory probe is said, as every untimed request is.
    expect(embedded.match(/the one that opens an iteration also re-sent untimed, with the iteration before's parameters, after each memory probe of the machine \(about 32 a phase\) and once before the first/g)).toHaveLength(2);
    // And the query-vector warmup of the index kNN queries, on every path.
    expect(embedded.match(/; vector_cosine and vector_filter also once per query vector of the pool \(100, untimed, not stored\) before the session warmup/g)).toHaveLength(2);
    expect(await dryRunListing('measure', await loadConfig(THREE_WAY), PROJECT_ROOT)).not.toContain('JavaScript warmup');
  });

  it('is a usage error (exit 2) on a stage without a dry run', async () => {
    const { result, stderr } = await captureOutput(() => warmupMain(['--config', THREE_WAY, '--dry-run']));
    expect(result).toBe(2);
    expect(stderr).toMatch(/--dry-run: the warmup stage has no dry run \(seed and measure do\)/);
  });
});

describe('dry-run formatting', () => {
  it('abbreviates vectors as text (IRIS, pgvector) and as vector_send bytes to 3 components and the dimension count', () => {
    expect(formatValue('0.5,-0.25,0.125,1,2', 5)).toBe("'0.5,-0.25,0.125,…' (vector as text, 5 dims)");
    expect(formatValue('[0.5,-0.25,0.125,1]', 4)).toBe("'[0.5,-0.25,0.125,…]' (vector as text, 4 dims)");
    expect(formatValue(vectorSendBytes(Float32Array.of(0.5, -0.25, 0.125, 1)), 4)).toBe('[0.5, -0.25, 0.125, …] (vector as binary vector_send, 4 dims, 20 bytes)');
    expect(formatValue(new Uint8Array(3), 4)).toBe('<3 bytes>');
  });

  it('prints other values as SQL literals', () => {
    expect(formatValue("it's", 4)).toBe("'it''s'");
    expect(formatValue('category_3', 4)).toBe("'category_3'");
    expect(formatValue(5, 4)).toBe('5');
    expect(formatValue(new Date(Date.UTC(2025, 0, 1)), 4)).toBe("'2025-01-01T00:00:00.000Z'");
  });

  it('names ? placeholders by position and $n by number, and prints a repeated vector once', () => {
    expect(placeholders('SELECT ? FROM t WHERE a = ?', 2)).toEqual(['?1', '?2']);
    expect(placeholders('SELECT $1 FROM t ORDER BY x <=> $1 LIMIT $2', 2)).toEqual(['$1', '$2']);
    const v = Array.from({ length: 40 }, (_, i) => i / 100).join(',');
    expect(bindLines('SELECT TOP ? a, f(?) ORDER BY f(?)', [5, v, v], 40, ['k', 'query_vector', 'query_vector'])).toEqual([
      '?1 ← k = 5',
      "?2 ← query_vector = '0,0.01,0.02,…' (vector as text, 40 dims)",
      '?3 ← query_vector = (the same value as ?2)',
    ]);
  });

  it('names a statement by its dialect id, template variables filled, preferring the stage ids for shared texts', () => {
    expect(statementIdOf(irisDialect, 'SELECT 1', ['create_extension'])).toBe('create_extension');
    expect(statementIdOf(irisDialect, 'SELECT 1', ['ping'])).toBe('ping');
    expect(statementIdOf(irisDialect, irisDialect.copy_vectors.replace('{dims}', '1024'))).toBe('copy_vectors');
    expect(statementIdOf(irisDialect, 'SELECT 42')).toBeUndefined();
  });
});
