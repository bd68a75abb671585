import type { LoadedTarget } from '../pipeline/targets.js';
import { formatStatement, type ListedStatement } from './format.js';

/** A group of statements one target sends in one step of a stage. */
export interface DrySection {
  target: LoadedTarget;
  heading: string;
  statements: ListedStatement[];
}

/** Sections as text, each under `== <target>: <heading>`, the target described once at its first section. */
export function formatSections(sections: readonly DrySection[]): string {
  const described = new Set<string>();
  const out: string[] = [];
  for (const s of sections) {
    const t = s.target;
    out.push('');
    out.push(`-- == ${t.id}: ${s.heading}`);
    if (!described.has(t.id)) {
      described.add(t.id);
      out.push(`-- ${t.module.describe(t.ctx.options)}`);
    }
    for (const st of s.statements) out.push('', formatStatement(st));
  }
  return out.join('\n');
}
