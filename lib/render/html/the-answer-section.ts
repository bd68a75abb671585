import type { ReportData } from '../report-data.js';
import { answerNote, answerWhat, theAnswer } from '../the-answer.js';
import { esc } from './escape.js';

/**
 * index.html's first section after the run header: the same lines as table.txt's "The answer",
 * grouped by scope; NOT COMPARABLE and LOW RECALL in red. '' for a run with no answer (older runs,
 * see theAnswer), so their pages are unchanged. Ends with a newline when not empty.
 */
export function theAnswerSection(d: ReportData): string {
  const lines = theAnswer(d);
  if (lines.length === 0) return '';
  const scopes = [...new Set(lines.map((l) => l.scope))];
  const mark = (text: string) => esc(text).replace(/(NOT COMPARABLE: [^,]*$|LOW RECALL on [^)]*)/g, '<strong class="bad">$1</strong>');
  return `<section id="the-answer">
  <h2>The answer</h2>
  <p class="footnote">${esc(answerWhat(d)[0]!.toUpperCase() + answerWhat(d).slice(1))} with 95% confidence intervals; how each figure is computed is in the sections below.${((n) => (n ? ` ${esc(n[0]!.toUpperCase() + n.slice(1))}.` : ''))(answerNote(d))}</p>
  <dl class="answer">${scopes
    .map((s) => `<dt>${esc(s)}</dt>${lines.filter((l) => l.scope === s).map((l) => `<dd>${mark(l.text)}</dd>`).join('')}`)
    .join('')}</dl>
</section>
`;
}
