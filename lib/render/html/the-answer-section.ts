import type { ReportData } from '../report-data.js';
import { BY_QUERY_NOTE, answerComparesByQuery, theAnswer } from '../the-answer.js';
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
  <p class="footnote">p50 per request with 95% confidence intervals; how each figure is computed is in the sections below.${answerComparesByQuery(d) ? ` ${esc(BY_QUERY_NOTE[0]!.toUpperCase() + BY_QUERY_NOTE.slice(1))}.` : ''}</p>
  <dl class="answer">${scopes
    .map((s) => `<dt>${esc(s)}</dt>${lines.filter((l) => l.scope === s).map((l) => `<dd>${mark(l.text)}</dd>`).join('')}`)
    .join('')}</dl>
</section>
`;
}
