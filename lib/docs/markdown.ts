import { anchorOf } from './config-reference.js';

/**
 * The few things the documentation tests read out of markdown: fenced blocks, links and heading
 * anchors. Only what the project's own pages use (ATX headings, inline links, ``` fences).
 */

export interface Fence {
  info: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export function fences(md: string): Fence[] {
  const out: Fence[] = [];
  let open: { info: string; line: number; body: string[] } | undefined;
  md.split('\n').forEach((l, i) => {
    if (/^```/.test(l)) {
      if (open) {
        out.push({ info: open.info, body: open.body.join('\n'), line: open.line });
        open = undefined;
      } else open = { info: l.slice(3).trim(), line: i + 1, body: [] };
    } else open?.body.push(l);
  });
  return out;
}

/** The text outside fences, code spans blanked (links inside code do not render). */
function prose(md: string): string[] {
  let inFence = false;
  return md.split('\n').map((l) => {
    if (/^```/.test(l)) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : l.replace(/`[^`]*`/g, (m) => ' '.repeat(m.length));
  });
}

/** Every inline link and image target, with its line. */
export function links(md: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  prose(md).forEach((l, i) => {
    for (const m of l.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

/** The anchors GitHub gives the headings of a page (a repeated slug gets -1, -2, …). */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let inFence = false;
  for (const l of md.split('\n')) {
    if (/^```/.test(l)) inFence = !inFence;
    const m = !inFence && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l);
    if (!m) continue;
    const slug = anchorOf(m[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}
