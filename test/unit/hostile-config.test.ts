import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { main as measure } from '../../stages/measure.js';
import { main as validate } from '../../stages/validate.js';
import { loadConfig, MAX_CONFIG_BYTES, resolveConfig } from '../../lib/config/load.js';
import { configSchema } from '../../lib/config/schema.js';
import { ConfigError, errorText } from '../../lib/errors.js';
import { firstInvalidUtf8 } from '../../lib/config/utf8.js';
import { knownTargetIds, targetOptionsSchema } from '../../lib/targets/registry.js';
import { captureOutput } from '../helpers/capture.js';

/**
 * A hostile user's configs (issue 17): secrets never printed, files that are not UTF-8 or too big
 * refused before parsing, impossible URLs refused naming the field, huge inputs answered in
 * bounded time and bounded output.
 */
const SECRET = 'S3CRETpw42';
const HOSTILE_URL = `http://pathbench:${SECRET}@127.0.0.1:1/db?password=${SECRET}`;

async function profileFile(body: Record<string, unknown> | string | Buffer): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pb-hostile-'));
  const file = join(dir, 'profile.yaml');
  await writeFile(file, typeof body === 'string' || Buffer.isBuffer(body) ? body : stringify(body));
  return { file, dir };
}

const base = (dir: string) => ({
  profile: 'hostile', scale: 'small', vector_dims: 8, dataset_size: 100, iterations: 2, warmup: 0, targets: ['postgres'],
  store: join(dir, 'bench.sqlite'), reports_dir: join(dir, 'reports'),
  target_options: { postgres: { provision: 'existing', host: '127.0.0.1', port: 1, connect_timeout_s: 1 } },
});

/** Every string-valued key of a zod object schema (defaults and optionals unwrapped). */
function stringKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.entries(shape).flatMap(([k, s]) => {
    let inner = s as { def?: { innerType?: unknown; type?: string } };
    while (inner?.def?.innerType) inner = inner.def.innerType as typeof inner;
    return inner instanceof z.ZodString ? [k] : [];
  });
}

describe('no secret in any message', () => {
  it('the wrong-scheme URL with a password is rejected (exit 2) without quoting the password', async () => {
    const { file, dir } = await profileFile({ ...base(dir0), target_options: { postgres: { url: `http://postgres:${SECRET}@db.example/bench` } } });
    const { result, stderr, stdout } = await captureOutput(() => validate(['--config', file]));
    expect(result).toBe(2);
    expect(stderr).toMatch(/target_options\.postgres\.url: must start with postgres:\/\//);
    expect(stderr + stdout).not.toContain(SECRET);
    expect(dir).toBeTruthy();
  });

  // Every string option of the config and of every target, given a URL with a password: the
  // stages that read it (validate, and measure --dry-run, which prints what would be sent) never
  // print the password, whether the value is accepted or refused.
  const cases = [
    ...stringKeys(configSchema).filter((k) => !['store', 'reports_dir'].includes(k)).map((k) => ({ where: k, set: (p: Record<string, unknown>) => ({ ...p, [k]: HOSTILE_URL }) })),
    ...knownTargetIds().flatMap((t) =>
      stringKeys(targetOptionsSchema(t)).map((k) => ({
        where: `target_options.${t}.${k}`,
        set: (p: Record<string, unknown>) => ({ ...p, targets: [t], target_options: { [t]: { ...(t === 'postgres' ? (p.target_options as Record<string, object>).postgres : {}), [k]: HOSTILE_URL } } }),
      })),
    ),
  ];
  const dir0 = tmpdir();
  it(`covers every string option (${cases.length} of them)`, () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.map((c) => c.where)).toContain('target_options.postgres.url');
    expect(cases.map((c) => c.where)).toContain('target_options.iris-pgwire.password');
  });
  for (const c of cases) {
    it(`${c.where}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pb-hostile-'));
      const { file } = await profileFile(c.set(base(dir)));
      // Path-like options would make validate create files under the hostile name: dry-run only for those.
      const pathLike = /(^|\.)(data_dir|sdk_dir|dir|path|file)$|_dir$/.test(c.where);
      const runs = pathLike ? [() => measure(['--config', file, '--dry-run'])] : [() => validate(['--config', file]), () => measure(['--config', file, '--dry-run'])];
      for (const run of runs) {
        const { stderr, stdout } = await captureOutput(run);
        expect(stderr + stdout, c.where).not.toContain(SECRET);
      }
    }, 30_000);
  }

  it('errorText redacts credentials in any thrown text, e.g. a driver error quoting a connection string', () => {
    expect(errorText(new Error(`connect failed for postgres://u:${SECRET}@h/db`))).not.toContain(SECRET);
    expect(errorText(`host=h password=${SECRET} dbname=x`)).not.toContain(SECRET);
  });
});

describe('hostile files', () => {
  it('a Latin-1 profile is refused with exit 2, naming the file and the byte offset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-hostile-'));
    const text = Buffer.concat([Buffer.from(`profile: caf`), Buffer.from([0xe9]), Buffer.from(`\nstore: ${join(dir, 's.sqlite')}\n`)]);
    const { file } = await profileFile(text);
    const { result, stderr } = await captureOutput(() => validate(['--config', file]));
    expect(result).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toMatch(/not UTF-8: invalid byte 0xe9 at byte offset 12/);
  });

  it('finds the first invalid UTF-8 byte, and accepts every well-formed sequence', () => {
    expect(firstInvalidUtf8(Buffer.from('plain ascii, é, 中, 😀'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1); // truncated
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });

  it('a URL with an impossible port is refused by the schema (exit 2), naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pb-hostile-'));
    const { file } = await profileFile({ ...base(dir), target_options: { postgres: { url: `postgres://u:${SECRET}@127.0.0.1:99999/db` } } });
    const { result, stderr } = await captureOutput(() => validate(['--config', file]));
    expect(result).toBe(2);
    expect(stderr).toMatch(/target_options\.postgres\.url: is not a valid URL/);
    expect(stderr).not.toContain(SECRET);
  });

  it('a file above 1 MiB is refused before parsing', async () => {
    const { file } = await profileFile(`profile: big\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const err = await loadConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/1,048,5\d\d bytes; files above 1,048,576 bytes \(1 MiB\) are refused before parsing/);
  });

  // 100,000 keys (1.3 MB) are now refused by the size cap; 30,000 (about 0.7 MB) still parse.
  it('30,000 unknown keys: answered fast, the list capped, the known keys listed once', async () => {
    const keys = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`unknown_key_${i}`, i]));
    const { file } = await profileFile(keys);
    const t0 = Date.now();
    const err = (await loadConfig(file).catch((e: unknown) => e)) as Error;
    const seconds = (Date.now() - t0) / 1000;
    expect(err).toBeInstanceOf(ConfigError);
    expect(seconds).toBeLessThan(10);
    expect(err.message.length).toBeLessThan(20_000);
    expect(err.message).toMatch(/… and 29,950 more unknown keys/);
    expect(err.message.match(/known keys in \(top level\):/g)).toHaveLength(1);
  });

  it('a huge value (a file is capped, but a flag is not) is quoted only up to a bounded length', async () => {
    const err = (() => {
      try {
        resolveConfig(base(tmpdir()), { iterations: 'x'.repeat(5_000_000) }, 'test');
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(err.message).toMatch(/iterations: .*\(got "x{100,}… \(5,000,002 characters\)\)/);
    expect(err.message.length).toBeLessThan(2_000);
  });
});
