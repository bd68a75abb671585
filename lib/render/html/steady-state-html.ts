import type { ReportData } from '../report-data.js';
import { notConvergedLines, scheduleText, steadyStateHeaderLines } from '../steady-state-report.js';
import { esc } from './escape.js';

/**
 * Schedule and warmup convergence (lib/render/steady-state-report.ts), as in table.txt: a note,
 * and a warning box naming every query × target that never reached steady state. '' for runs
 * from before either was recorded (else it starts with a newline).
 */
export function steadyStateBox(d: ReportData): string {
  const lines = steadyStateHeaderLines(d).filter((l) => l !== '' && !l.startsWith('!!! '));
  if (lines.length === 0 && scheduleText(d) === null) return '';
  const bad = notConvergedLines(d);
  const note = `\n<div class="notice" id="steady-state" role="note">${lines.map((l) => esc(l.replace(/^(\w+):\s+/, '$1: '))).join('<br>')}</div>`;
  return bad.length ? `${note}\n<div class="notice bad" role="alert"><strong>${bad.length} query × target pair(s) never reached steady state in warmup:</strong><ul>${bad.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></div>` : note;
}
