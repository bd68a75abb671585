import { capacityLine, capacityWarnings, type CapacityLevelKind } from '../client-capacity-report.js';
import type { ReportData } from '../report-data.js';
import { esc } from './escape.js';
import { clientWarningsHtml } from './level-client-html.js';

/** The capacity footnote and the CLIENT-CAPACITY? box of a sweep or open-loop section; empty when the report data carries no capacity. */
export function capacityHtml(d: ReportData, kind: CapacityLevelKind): string {
  const line = capacityLine(d);
  if (line === null) return '';
  return `<p class="footnote">${esc(line)}</p>${clientWarningsHtml(capacityWarnings(d, kind))}`;
}
