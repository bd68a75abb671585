import { esc } from './escape.js';

/**
 * The head every self-contained page of pathbench shares: doctype, charset, viewport, its own
 * Content-Security-Policy (what the page may run or load), generator, title and inline CSS.
 * Everything up to and including `</head>`; the title is escaped here.
 */
export function pageHead(o: { title: string; csp: string; css: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(o.csp)}">
<meta name="generator" content="pathbench">
<title>${esc(o.title)}</title>
<style>${o.css}</style>
</head>`;
}
