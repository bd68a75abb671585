import { NOT_RECORDED } from '../level-client-report.js';
import { esc } from './escape.js';

/** HTML pieces shared by the sweep and open-loop sections for the per-level client load. */

/** A client cell: "not recorded" muted, figures right-aligned. */
export function clientCellHtml(text: string): string {
  return `<td class="num">${text === NOT_RECORDED ? `<span class="muted">${esc(text)}</span>` : esc(text)}</td>`;
}

/** The warning box of a section's levels; empty when there is none. */
export function clientWarningsHtml(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="notice bad" role="alert"><strong>Client may have been the bottleneck:</strong><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`;
}
