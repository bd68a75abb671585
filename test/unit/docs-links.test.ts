import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMAND_HELP, commandHelp, flagsOf, type CommandName } from '../../lib/cli/stage-help.js';
import { STAGES } from '../../lib/cli/run-stage.js';
import { overlayOnto, resolveConfig } from '../../lib/config/load.js';
import { anchors, fences, links } from '../../lib/docs/markdown.js';
import { PROJECT_ROOT } from '../../lib/env/package-version.js';

/** README.md and every page of docs/: what a reader follows links through. */
const PAGES = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');

describe('README.md stays a front page', () => {
  it('is at most 12 KB and carries no dated session anecdotes (they belong in docs/, beside their command)', () => {
    const readme = read('README.md');
    expect(Buffer.byteLength(readme), 'README.md bytes').toBeLessThanOrEqual(12 * 1024);
    expect(readme.match(/\b20\d\d-\d\d-\d\d\b/g) ?? []).toEqual([]);
  });
});

describe('links in README.md and docs/ resolve (files and #anchors)', () => {
  for (const page of PAGES) {
    it(page, () => {
      const md = read(page);
      const broken: string[] = [];
      for (const { target, line } of links(md)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not ours to check offline
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(PROJECT_ROOT, page) : resolve(dirname(join(PROJECT_ROOT, page)), decodeURIComponent(path));
        const where = `${page}:${line} → ${target}`;
        if (!existsSync(file)) {
          broken.push(`${where}: no such file ${relative(PROJECT_ROOT, file)}`);
          continue;
        }
        if (anchor === undefined) continue;
        if (!file.endsWith('.md') || statSync(file).isDirectory()) broken.push(`${where}: an anchor into a file that is not markdown`);
        else if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${where}: no heading with anchor #${anchor} in ${relative(PROJECT_ROOT, file)}`);
      }
      expect(broken).toEqual([]);
    });
  }

  it('the anchor rules match GitHub on the headings the pages use', () => {
    const a = anchors('# Before a run: `make doctor` and `--dry-run`\n## `hnsw.ef_search`\n## Notes\n## Notes\n```sh\n# not a heading\n```\n');
    expect([...a]).toEqual(['before-a-run-make-doctor-and---dry-run', 'hnswef_search', 'notes', 'notes-1']);
    expect(links('[a](x.md#y) `[b](not-a-link.md)` ![c](p.png)\n```\n[d](in-fence.md)\n```').map((l) => l.target)).toEqual(['x.md#y', 'p.png']);
  });
});

/** Words of a shell command line, quotes removed (enough for the README's one-liners). */
function words(command: string): string[] {
  return [...command.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((m) => m[0].replace(/["']/g, ''));
}

/** A line of an sh block without its trailing comment, cut into commands at && || ; and |. */
function commandsOf(line: string): string[] {
  const code = line.replace(/(^|\s)#.*$/, '');
  return code.split(/&&|\|\||;|\|/).map((c) => c.trim()).filter(Boolean);
}

describe('every command in a ```sh block of README.md is one `make help` or a stage --help knows', () => {
  const makeHelp = execFileSync('make', ['--no-print-directory', 'help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const makeTargets = new Set([...makeHelp.matchAll(/^ {2}([a-z][a-z0-9-]*)\s/gm)].map((m) => m[1]!));
  /** Flags a make target passes on through ARGS: a pipeline stage's, every stage's for `all`. */
  const flagsForMake = (target: string): Set<string> | undefined => {
    const commands = target === 'all' ? [...STAGES] : target in COMMAND_HELP ? [target] : target === 'dry-run' ? ['seed', 'measure'] : undefined;
    return commands && new Set(commands.flatMap((c) => flagsOf(c).map((f) => f.flag)));
  };

  function problems(command: string): string[] {
    const w = words(command);
    while (w.length && /^[A-Z_][A-Z0-9_]*=/.test(w[0]!)) w.shift(); // VAR=value before the command
    if (w[0] === 'make') {
      const out: string[] = [];
      for (const word of w.slice(1)) {
        if (word.startsWith('ARGS=')) continue;
        if (/^[A-Z_]+=/.test(word)) continue;
        if (!makeTargets.has(word)) out.push(`make ${word}: not a target of \`make help\``);
        const known = flagsForMake(word);
        const args = w.find((x) => x.startsWith('ARGS='))?.slice(5) ?? '';
        for (const [, flag] of args.matchAll(/--([a-z][a-z0-9-]*)/g)) {
          if (known ? !known.has(flag!) : !makeHelp.includes(`--${flag}`)) out.push(`make ${word} ARGS: --${flag} is not a flag \`${word}\` knows`);
        }
      }
      return out;
    }
    const script = w.find((x) => /(^|\/)stages\/[a-z-]+\.(ts|js)$/.test(x));
    if ((w[0] === 'node' || w[0] === 'npx') && script) {
      const stage = /stages\/([a-z-]+)\./.exec(script)![1]!;
      if (!(stage in COMMAND_HELP)) return [`${stage}: no such stage`];
      const help = commandHelp(stage as CommandName);
      return w.filter((x) => x.startsWith('-') && !x.startsWith('--import')).map((x) => x.split('=')[0]!).filter((f) => !help.includes(`${f} `) && !help.includes(`${f}\n`)).map((f) => `${stage} --help does not list ${f}`);
    }
    return makeHelp.includes(command) ? [] : [`\`${command}\` is neither a make target, a stage, nor a command \`make help\` prints`];
  }

  const blocks = fences(read('README.md')).filter((f) => f.info === 'sh');
  it('README.md has sh blocks to check', () => expect(blocks.length).toBeGreaterThan(0));
  for (const block of blocks) {
    it(`the sh block at README.md:${block.line}`, () => {
      const bad = block.body.split('\n').flatMap(commandsOf).flatMap(problems);
      expect(bad).toEqual([]);
    });
  }

  it('the checker refuses what it should', () => {
    expect(problems('make nonesuch')).toHaveLength(1);
    expect(problems('make all ARGS="--iteratons 5"')).toHaveLength(1);
    expect(problems('make compare ARGS="--force"')).toHaveLength(1);
    expect(problems('node build/stages/measure.js --frobnicate')).toHaveLength(1);
    expect(problems('curl example.com')).toHaveLength(1);
    expect(problems('PB_PG_PASSWORD=x make all CONFIG=config/local.yaml ARGS="--iterations 5 --targets postgres"')).toEqual([]);
    expect(commandsOf('make a && make b  # comment')).toEqual(['make a', 'make b']);
  });
});

describe('every YAML snippet in README.md and docs/ validates against the profile schema', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(read('config/schema.json')));
  const base = parse(read('config/embedded.yaml')) as Record<string, unknown>;

  for (const page of PAGES) {
    for (const block of fences(read(page)).filter((f) => f.info === 'yaml' || f.info === 'yml')) {
      it(`${page}:${block.line}`, () => {
        const snippet = parse(block.body) as unknown;
        expect(typeof snippet === 'object' && snippet !== null && !Array.isArray(snippet), 'a snippet is a mapping of profile keys').toBe(true);
        // A snippet is a part of a profile: laid over the default profile, as --overlay would.
        // A file dataset gives dataset_size and vector_dims itself (config/own-data.yaml has neither).
        const { dataset_size: _n, vector_dims: _d, ...fileBase } = base;
        const profile = overlayOnto('dataset' in (snippet as object) ? fileBase : base, snippet as Record<string, unknown>);
        validate(profile);
        expect(validate.errors ?? [], `${page}:${block.line} against config/schema.json`).toEqual([]);
        expect(() => resolveConfig(profile, {}, `${page}:${block.line}`)).not.toThrow();
      });
    }
  }
});
