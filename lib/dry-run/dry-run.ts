import type { ResolvedConfig } from '../config/load.js';
import { datasetIdOf, describeDataset, indexSpecOf } from '../pipeline/dataset.js';
import { loadTargets } from '../pipeline/targets.js';
import { VECTOR_HEAD } from './format.js';
import { measureSections, sweepNotes } from './measure-statements.js';
import { formatSections } from './sections.js';
import { seedSections } from './seed-statements.js';

export type DryRunStage = 'seed' | 'measure';

/**
 * `--dry-run` of seed and measure: the text listing every statement each configured target would
 * be sent, in order, with its bind order and sample parameters. Loads the target modules only:
 * no session is opened, no server started, nothing written to the store. Every line that is not
 * SQL starts with `--`, so the listing pastes into a SQL shell as it is.
 */
export async function dryRunListing(stage: DryRunStage, c: ResolvedConfig, root: string): Promise<string> {
  const targets = await loadTargets(c, root);
  const sections = stage === 'seed' ? await seedSections(c, targets) : await measureSections(c, targets);
  const header = [
    `-- pathbench ${stage} --dry-run: the statements each target would be sent, in order. Nothing was connected, started or written.`,
    `-- profile ${c.profile}: ${c.targets.join(', ')}; dataset ${datasetIdOf(c)}, ${describeDataset(c)}, ${indexSpecOf(c)}, k ${c.k}`,
    `-- Placeholders: ?n = the n-th \`?\` in the text (IRIS SQL binds them in order), $n = PostgreSQL's numbered parameter.`,
    `-- Vectors are abbreviated to their first ${VECTOR_HEAD} components and their dimension count.`,
  ];
  const tail = stage === 'measure' ? sweepNotes(c).map((n) => `-- after the main measurement: ${n}`) : [];
  return [...header, formatSections(sections), ...(tail.length ? ['', ...tail] : []), ''].join('\n');
}
