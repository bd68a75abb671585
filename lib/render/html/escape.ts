/**
 * Escaping for the HTML report. Every piece of text that reaches the page goes through one of
 * these: config values, environment strings and target names are data, never markup.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` block: `<` is written as \u003c so the data can
 * never close the script element (or open an HTML comment), and U+2028/U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript source made safe to place inside a `<script>` element: `</script` and `<!--` cannot
 * appear literally (they would end the element or change how the parser reads it), so their `<`
 * becomes \x3C, which means the same inside strings, regular expressions and templates, the only
 * places minified code can hold them. Source-map comments are dropped: the map files are not
 * shipped, and a browser's developer tools would try to load them.
 */
export function scriptSafe(js: string): string {
  return js
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<(\/script|!--)/gi, '\\x3C$1');
}
