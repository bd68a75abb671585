import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, commandHelp, flagsOf, type CommandName } from '../../lib/cli/stage-help.js';
import { FLAGS } from '../../lib/config/cli-flags.js';
import { configJsonSchema, undescribedKeys, undescribedMessage } from '../../lib/docs/config-json-schema.js';
import { GENERATED_FILES, generateDocs } from '../../lib/docs/generate.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const profiles = readdirSync(join(PROJECT_ROOT, 'config')).filter((f) => f.endsWith('.yaml'));

export function profileValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  return ajv.compile(JSON.parse(read('config/schema.json')));
}

describe('generated configuration reference (make docs)', () => {
  it('every configuration key has a description', () => {
    const missing = undescribedKeys(configJsonSchema());
    expect(missing, undescribedMessage(missing)).toEqual([]);
  });

  it('names an undescribed key, nested or in a target, with the file to describe it in', () => {
    const schema = {
      properties: {
        a: { type: 'integer', description: 'described' },
        b: { type: 'integer' },
        target_options: { description: 'x', properties: { postgres: { description: 'y', properties: { port: { type: 'integer' } } } } },
        pairs: { description: 'z', type: 'array', items: { type: 'object', properties: { gateway: { type: 'string' } } } },
      },
    };
    const missing = undescribedKeys(schema);
    expect(missing).toEqual(['b', 'target_options.postgres.port', 'pairs[].gateway']);
    expect(undescribedMessage(missing)).toContain('target_options.postgres.port (lib/targets/postgres/options.ts)');
    expect(undescribedMessage(missing)).toContain('b (lib/config/schema.ts)');
  });

  for (const file of GENERATED_FILES) {
    it(`${file} equals a fresh generation`, () => {
      const fresh = generateDocs()[file];
      expect(read(file) === fresh, `${file} is stale: run \`make docs\` (or \`npm run docs\`) and commit the result`).toBe(true);
    });
  }

  it('the reference lists every key of the schema and every target', () => {
    const md = read('docs/configuration.md');
    const schema = configJsonSchema();
    for (const key of Object.keys(schema.properties!)) expect(md).toContain(`### \`${key}\``);
    for (const id of Object.keys(schema.properties!.target_options!.properties!)) expect(md).toContain(`### \`target_options.${id}\``);
    for (const f of FLAGS) expect(md).toContain(`--${f.flag}`);
  });
});

describe('config/schema.json and the shipped profiles', () => {
  const validate = profileValidator();

  for (const file of profiles) {
    it(`config/${file} names the schema on its first line and validates against it`, () => {
      const text = read(`config/${file}`);
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
      const ok = validate(parse(text));
      expect(validate.errors ?? [], `config/${file}`).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it('refuses an unknown key, a wrong type, an unknown target and a bad target option', () => {
    const base = parse(read('config/embedded.yaml')) as Record<string, unknown>;
    for (const bad of [
      { ...base, iteratons: 5 },
      { ...base, iterations: 'many' },
      { ...base, targets: ['pglite', 'oracle'] },
      { ...base, target_options: { postgres: { port: 99999 } } },
      { ...base, target_options: { postgres: { hots: 'x' } } },
      { ...base, rate: [0] },
    ]) {
      expect(validate(bad), JSON.stringify(bad).slice(-80)).toBe(false);
    }
    expect(validate({ ...base, rate: 50, hnsw: { ef_search: 100 } })).toBe(true);
  });
});

describe('--help of every command', () => {
  for (const command of Object.keys(COMMAND_HELP) as CommandName[]) {
    it(`${command}: lists its flags with defaults, and one example using flags it knows`, () => {
      const help = commandHelp(command);
      const flags = flagsOf(command);
      for (const f of flags) expect(help).toContain(`--${f.flag}`);
      // Defaults of key flags come from the schema: iterations 1000, store data/bench.sqlite.
      expect(help).toMatch(/--iterations N +.*\(default 1000\)/);
      expect(help).toMatch(/--store FILE +.*\(default data\/bench\.sqlite\)/);
      const examples = help.split('Example:\n')[1]!.split('\n\n')[0]!.trim().split('\n');
      expect(examples).toHaveLength(1);
      expect(examples[0]).toMatch(new RegExp(`^make ${command}\\b`));
      const known = new Set(flags.map((f) => f.flag));
      for (const [, flag] of examples[0]!.matchAll(/--([a-z-]+)/g)) expect(known, `--${flag} in the ${command} example`).toContain(flag);
    });
  }
});
